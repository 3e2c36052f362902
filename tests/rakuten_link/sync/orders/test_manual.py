"""注文番号で取得: the form on the order list, `manage.py fetch_order`, and re-matching 要確認 lines."""

import pytest
from django.contrib.messages import get_messages
from django.core.management import CommandError, call_command

from inventory.models import StockLevel
from orders.models import Order
from rakuten_link.models import ProductMapping
from tests.conftest import DEMO_LICENSE, DEMO_SECRET

UNKNOWN = "000001-20250101-0000000001"


def post_fetch(client, account, number):
    client.cookies["django_language"] = "en"  # the assertions read the English messages
    response = client.post("/admin/orders/order/fetch/", {"account": account.pk, "order_number": number})
    return response, [str(m) for m in get_messages(response.wsgi_request)]


def test_the_order_list_has_the_fetch_form(admin_client, order_shop):
    page = admin_client.get("/admin/orders/order/").content.decode()
    assert "注文番号で取得" in page and 'action="/admin/orders/order/fetch/"' in page


def test_a_new_order_is_fetched_allocated_and_shown(admin_client, order_shop, rms_orders):
    number, = rms_orders.create({"PackageModelList": [{"ItemModelList": [
        {"manageNumber": "tee01", "variantId": "tee01-m-blk", "units": 1}]}]})
    response, messages = post_fetch(admin_client, order_shop.account, number)
    order = Order.objects.get(order_number=number)
    assert response.status_code == 302 and response.url == f"/admin/orders/order/{order.pk}/change/"
    assert number in messages[0] and order.state == "allocated"
    assert [e["body"]["orderNumberList"] for e in rms_orders.log("rpay.order.getOrder")] == [[number]]


def test_an_order_already_stored_is_refreshed(admin_client, order_shop, rms_orders):
    number, = rms_orders.create({})
    post_fetch(admin_client, order_shop.account, number)
    rms_orders.advance(number, 200)
    response, messages = post_fetch(admin_client, order_shop.account, number)
    assert "refreshed" in messages[-1] and Order.objects.get().order_progress == 200
    assert Order.objects.count() == 1


@pytest.mark.parametrize("text", ["12345", "000001-2025-01-01", "abc", "000001-20250101-123"])
def test_a_malformed_number_is_refused_without_asking_rms(admin_client, order_shop, rms_orders, text):
    response, messages = post_fetch(admin_client, order_shop.account, text)
    assert response.url == "/admin/orders/order/" and "123456-20240501-00000001" in messages[0]
    assert rms_orders.log() == []


def test_an_order_rms_does_not_return_says_so(admin_client, order_shop, rms_orders):
    response, messages = post_fetch(admin_client, order_shop.account, UNKNOWN)
    assert response.url == "/admin/orders/order/" and UNKNOWN in messages[0] and "730" in messages[0]
    assert not Order.objects.exists() and len(rms_orders.log("rpay.order.getOrder")) == 1


def test_full_width_input_is_understood(admin_client, order_shop, rms_orders):
    number, = rms_orders.create({})
    wide = number.translate(str.maketrans("0123456789-", "０１２３４５６７８９－"))
    post_fetch(admin_client, order_shop.account, wide)
    assert Order.objects.get().order_number == number


def test_an_auth_failure_pauses_the_account_and_says_why(admin_client, order_shop, rms_orders):
    order_shop.sandbox.state.remove_credential(DEMO_SECRET, DEMO_LICENSE)
    _response, messages = post_fetch(admin_client, order_shop.account, UNKNOWN)
    order_shop.account.refresh_from_db()
    assert order_shop.account.jobs_paused and order_shop.account.status == "invalid"
    assert order_shop.account.name in messages[0]


def test_the_command_fetches_refreshes_and_fails_clearly(order_shop, rms_orders, capsys):
    number, = rms_orders.create({})
    call_command("fetch_order", number, "--account", order_shop.account.name)
    assert number in capsys.readouterr().out and Order.objects.count() == 1
    call_command("fetch_order", number)  # the only account needs no --account
    assert "再取得して更新しました" in capsys.readouterr().out  # commands speak the project language (ja)
    with pytest.raises(CommandError, match="123456-20240501-00000001") as bad:
        call_command("fetch_order", "nonsense", "--account", order_shop.account.name)
    assert bad.value.returncode == 1
    with pytest.raises(CommandError, match=UNKNOWN):
        call_command("fetch_order", UNKNOWN, "--account", order_shop.account.name)
    with pytest.raises(CommandError, match="no account"):
        call_command("fetch_order", number, "--account", "nobody")


def test_rematching_picks_up_a_mapping_added_later(admin_client, order_shop, rms_orders, make_sku):
    number, = rms_orders.create({"PackageModelList": [{"ItemModelList": [
        {"manageNumber": "newitem", "variantId": "newitem-1", "units": 2}]}]})
    call_command("fetch_order", number)
    order = Order.objects.get()
    assert order.lines.get().sku is None and order.state == "needs_attention"
    sku = make_sku("NEWITEM-1")
    StockLevel.objects.create(store=order_shop.account.stores.get(), sku=sku, on_hand=5)
    ProductMapping.objects.create(account=order_shop.account, manage_number="newitem", variant_id="newitem-1", sku=sku)
    admin_client.post("/admin/orders/order/", {"action": "rematch_lines", "_selected_action": [order.pk]})
    order.refresh_from_db()
    line = order.lines.get()
    assert line.sku == sku and line.allocated_units == 2 and order.state == "allocated"
    assert StockLevel.objects.get(sku=sku).available == 3


def test_the_fetch_form_defaults_to_the_only_valid_account_then_the_one_used_last(admin_client, make_account,
                                                                                   order_shop, rms_orders):
    from accounts.services import record_check_result

    other = order_shop.account
    record_check_result(make_account("あ店"), "invalid")  # first by name
    valid = make_account("い店")
    record_check_result(valid, "valid")
    record_check_result(other, "invalid")

    def initial():
        return admin_client.get("/admin/orders/order/").context["fetch_form"].initial["account"]

    assert initial() == valid  # the only valid one, although 楽天A店 comes first by name
    post_fetch(admin_client, other, "bad number")  # refused: not remembered
    assert initial() == valid
    post_fetch(admin_client, other, UNKNOWN)
    assert initial() == other  # the one this staff member used last


def test_in_english_the_form_and_the_action_are_english(admin_client, order_shop, make_order):
    make_order(order_shop.account)  # the actions are shown above a list that has rows
    admin_client.cookies["django_language"] = "en"
    page = admin_client.get("/admin/orders/order/").content.decode()
    assert "Fetch by order number" in page and "注文番号で取得" not in page
    assert "Match lines needing a check again" in page and "Match 要確認" not in page
