"""The order list (filters, search, flags) and the read-only order page."""

import pytest

from orders.models import OrderChange
from orders.services import allocate_order


@pytest.fixture
def orders(make_account, make_store, make_sku, set_stock, make_order):
    store = make_store()
    account = make_account("楽天本店", stores=[store])
    sku = make_sku("TEE-M")
    set_stock(store, sku, 5)
    mapped = allocate_order(make_order(account, [(sku, 1)], buyer_name="佐藤 翔太", buyer_phone="090-1111-2222",
                                       order_progress=300, request_price=2980))
    unmatched = allocate_order(make_order(account, [(None, 2)], buyer_name="鈴木 美咲", buyer_phone="080-3333-4444"))
    return mapped, unmatched


def test_the_list_shows_status_state_buyer_total_and_flags(admin_client, orders):
    page = admin_client.get("/admin/orders/order/").content.decode()
    mapped, unmatched = orders
    assert mapped.order_number in page and unmatched.order_number in page
    assert "300 発送待ち" in page and "¥2,980" in page and "佐藤 翔太" in page
    assert "要確認" in page


@pytest.mark.parametrize("term", ["09011112222", "090-1111-2222", "佐藤翔太", "佐藤 翔太"])
def test_search_finds_by_phone_and_name_with_or_without_separators(admin_client, orders, term):
    page = admin_client.get("/admin/orders/order/", {"q": term}).content.decode()
    mapped, unmatched = orders
    assert mapped.order_number in page and unmatched.order_number not in page


def test_search_by_order_number(admin_client, orders):
    mapped, unmatched = orders
    page = admin_client.get("/admin/orders/order/", {"q": unmatched.order_number}).content.decode()
    assert unmatched.order_number in page and mapped.order_number not in page


@pytest.mark.parametrize(("params", "shown"), [
    ({"reason": "unmatched_line"}, 1), ({"state__exact": "allocated"}, 0), ({"progress": "300"}, 0),
])
def test_filters(admin_client, orders, params, shown):
    page = admin_client.get("/admin/orders/order/", params).content.decode()
    assert (orders[shown].order_number in page) and (orders[1 - shown].order_number not in page)


def test_the_order_page_is_read_only_with_lines_changes_and_folded_raw_data(admin_client, orders):
    mapped, unmatched = orders
    unmatched.raw = {"orderNumber": unmatched.order_number, "memo": "<script>x</script>"}
    unmatched.save()
    OrderChange.objects.create(order=unmatched, field="order_progress", old_value="100", new_value="900")
    OrderChange.objects.create(order=unmatched, field=f"line:{unmatched.lines.get().item_detail_id}:units",
                               old_value="1", new_value="2")
    page = admin_client.get(f"/admin/orders/order/{unmatched.pk}/change/").content.decode()
    assert "要確認" in page and "東京都渋谷区" in page
    assert "100 注文確認待ち" in page and "900 キャンセル確定" in page
    assert "&lt;script&gt;" in page and "<script>x</script>" not in page
    assert "<details" in page  # the raw JSON is folded away
    assert 'name="_save"' not in page


def test_retry_allocation_and_mark_checked_actions(admin_client, orders, set_stock, make_sku):
    mapped, unmatched = orders
    unmatched.attention_reasons = ["order_changed", "unmatched_line"]
    unmatched.save()
    admin_client.post("/admin/orders/order/", {"action": "mark_as_checked", "_selected_action": [unmatched.pk]})
    unmatched.refresh_from_db()
    assert unmatched.attention_reasons == ["unmatched_line"]
    response = admin_client.post("/admin/orders/order/", {"action": "retry_allocation",
                                                          "_selected_action": [mapped.pk]}, follow=True)
    assert response.status_code == 200


def test_nobody_adds_or_deletes_orders_in_the_admin(admin_client, orders):
    assert admin_client.get("/admin/orders/order/add/").status_code == 403
    assert admin_client.get(f"/admin/orders/order/{orders[0].pk}/delete/").status_code == 403


def test_the_order_page_shows_money_in_yen_rates_in_percent_and_the_carrier_by_name(admin_client, orders):
    mapped, _unmatched = orders
    mapped.lines.update(tax_rate="0.080", price=1480)
    mapped.packages.update(default_delivery_company="1001", postage_price=500)
    page = admin_client.get(f"/admin/orders/order/{mapped.pk}/change/").content.decode()
    assert "¥2,980" in page and "¥1,480" in page and "¥500" in page
    assert "8%" in page and "0.080" not in page
    assert "ヤマト運輸 (1001)" in page


def _list_queries(admin_client) -> tuple[str, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        page = admin_client.get("/admin/orders/order/").content.decode()
    return page, len(queries)


def test_the_list_summarises_each_orders_lines_in_one_query_for_the_page(admin_client, make_account, make_order):
    account = make_account("楽天本店")
    make_order(account, [(None, 2), (None, 1), (None, 1)])
    page, few = _list_queries(admin_client)
    assert "商品1</span> ×2 他2点" in page and 'title="商品1 ×2\n商品2 ×1\n商品3 ×1"' in page
    for _n in range(5):
        make_order(account, [(None, 1), (None, 1)])
    page, many = _list_queries(admin_client)
    assert page.count('class="line-summary"') == 6
    assert many == few  # not one query per order
