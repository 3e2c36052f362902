"""The order page confirms, ships and cancels; the order list confirms, ships and takes tracking numbers by CSV."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from orders.models import Order, Shipment
from orders.shipping import record_shipment
from rakuten_link.shipping.admin.order_shipping import shipping_urls
from tests.rakuten_link.shipping.helpers import VARIANT, fetch_new, stock

LIST = "/admin/orders/order/"
CONFIRM = "rpay.order.confirmOrder"


@pytest.fixture
def staff(admin_client):
    admin_client.cookies["django_language"] = "en"  # the assertions read the English messages
    return admin_client


def page_of(order) -> str:
    return f"{LIST}{order.pk}/change/"


def said(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def ship_fields(prefix: str, store, number: str = "1234-5678", day: str = "2026-05-02", company: str = "1001"):
    return {f"{prefix}-delivery_company": company, f"{prefix}-tracking_number": number,
            f"{prefix}-shipped_on": day, f"{prefix}-store": store.pk}


def test_the_order_page_offers_confirm_ship_cancel_and_the_slip(staff, order_shop, rms_orders):
    order, = fetch_new(order_shop.account, rms_orders)
    page = staff.get(page_of(order)).content.decode()
    assert f'action="{page_of(order)[:-7]}confirm/"' in page
    assert f'action="{page_of(order)[:-7]}ship/"' in page and 'name="ship-tracking_number"' in page
    assert f'action="{page_of(order)[:-7]}cancel/"' in page and "8 欠品" in page
    assert f'href="{page_of(order)[:-7]}slip/"' in page
    assert '<option value="1002">佐川急便</option>' in page  # chosen by name, posted as the code
    assert f'value="{timezone.localdate():%Y-%m-%d}"' in page  # today in Japan
    store = order_shop.account.stores.get()
    assert f'<option value="{store.pk}" selected>' in page  # the account's first store


def test_confirm_on_the_order_page(staff, order_shop, rms_orders):
    order, = fetch_new(order_shop.account, rms_orders)
    response = staff.post(f"{LIST}{order.pk}/confirm/")
    assert response.status_code == 302 and response.url == page_of(order)
    assert [e["body"]["orderNumberList"] for e in rms_orders.log(CONFIRM)] == [[order.order_number]]
    order.refresh_from_db()
    assert order.order_progress == 200 and "1 order confirmed in RMS." in said(response)
    assert LogEntry.objects.filter(object_id=str(order.pk), change_message__contains="注文確認").exists()


def test_ship_in_one_step(staff, order_shop, rms_orders, ledger_check):
    order, = fetch_new(order_shop.account, rms_orders, progress=300)
    store, sku = order_shop.account.stores.get(), order_shop.skus[VARIANT]
    response = staff.post(f"{LIST}{order.pk}/ship/", ship_fields("ship", store))
    assert response.status_code == 302 and response.url == page_of(order)
    shipment = Shipment.objects.get(order=order)
    assert (shipment.delivery_company, shipment.tracking_number, shipment.shipped_on, shipment.store) == (
        "1001", "1234-5678", date(2026, 5, 2), store)
    order.refresh_from_db()
    assert order.state == "shipped" and stock(store, sku) == (9, 0) and ledger_check(order_shop.account) == 0
    assert LogEntry.objects.filter(object_id=str(order.pk), change_message__contains="1001 ヤマト運輸").exists()
    page = staff.get(page_of(order)).content.decode()
    assert "1234-5678" in page and "To report" in page and 'name="ship-tracking_number"' not in page


def test_ship_per_package(staff, order_shop, rms_orders):
    order, = fetch_new(order_shop.account, rms_orders, packages=2, progress=300)
    store = order_shop.account.stores.get()
    first, second = order.packages.order_by("basket_id")
    page = staff.get(page_of(order)).content.decode()
    assert 'name="ship-tracking_number"' not in page  # two packages: no one-step 発送
    staff.post(f"{LIST}{order.pk}/packages/{first.pk}/ship/", ship_fields(f"pkg{first.pk}", store, "A-1"))
    order.refresh_from_db()
    assert order.state != "shipped"
    staff.post(f"{LIST}{order.pk}/packages/{first.pk}/ship/", ship_fields(f"pkg{first.pk}", store, "A-2"))
    staff.post(f"{LIST}{order.pk}/packages/{second.pk}/ship/", ship_fields(f"pkg{second.pk}", store, "B-1"))
    order.refresh_from_db()
    assert order.state == "shipped"
    assert sorted(Shipment.objects.values_list("package__basket_id", "tracking_number")) == [
        (first.basket_id, "A-1"), (first.basket_id, "A-2"), (second.basket_id, "B-1")]


def test_correct_and_delete_a_shipment(staff, order_shop, rms_orders):
    order, = fetch_new(order_shop.account, rms_orders, progress=300)
    shipment = record_shipment(package=order.packages.get(), delivery_company="1001", tracking_number="OLD",
                               shipped_on=date(2026, 5, 1))
    edit = f"{LIST}{order.pk}/shipments/{shipment.pk}/change/"
    assert 'value="OLD"' in staff.get(edit).content.decode()
    response = staff.post(edit, {"delivery_company": "1002", "tracking_number": "NEW", "shipped_on": "2026/05/03"})
    assert response.status_code == 302 and response.url == page_of(order)
    shipment.refresh_from_db()
    assert (shipment.delivery_company, shipment.tracking_number, shipment.shipped_on) == ("1002", "NEW",
                                                                                           date(2026, 5, 3))
    staff.post(f"{LIST}{order.pk}/shipments/{shipment.pk}/delete/")
    assert not Shipment.objects.exists()
    assert LogEntry.objects.filter(object_id=str(order.pk)).count() == 2


def test_a_refused_shipment_is_an_error_and_changes_nothing(staff, order_shop, rms_orders):
    order, = fetch_new(order_shop.account, rms_orders, progress=300)
    package = order.packages.get()
    for n in range(20):
        record_shipment(package=package, delivery_company="1001", tracking_number=f"T{n}", shipped_on=date.today())
    store = order_shop.account.stores.get()
    response = staff.post(f"{LIST}{order.pk}/packages/{package.pk}/ship/",
                          ship_fields(f"pkg{package.pk}", store, "T21"))
    assert Shipment.objects.count() == 20 and "Nothing was changed" in said(response)[0]
    bad = staff.post(f"{LIST}{order.pk}/packages/{package.pk}/ship/",
                     ship_fields(f"pkg{package.pk}", store, company="9999"))
    assert Shipment.objects.count() == 20 and "Nothing was changed" in said(bad)[0]


def test_cancel_with_a_reason(staff, order_shop, rms_orders, ledger_check):
    order, = fetch_new(order_shop.account, rms_orders, progress=300)
    store, sku = order_shop.account.stores.get(), order_shop.skus[VARIANT]
    response = staff.post(f"{LIST}{order.pk}/cancel/", {"reason": "13"})
    assert response.status_code == 302 and response.url == page_of(order)
    assert rms_orders.get(order.order_number)["orderProgress"] == 900
    assert rms_orders.log("rpay.order.cancelOrder")[0]["body"]["changeReasonDetailApply"] == 13
    order.refresh_from_db()
    assert order.state == "cancelled" and stock(store, sku) == (10, 0) and ledger_check(order_shop.account) == 0
    assert "13 発送遅延" in said(response)[0]
    page = staff.get(page_of(order)).content.decode()
    assert "/cancel/" not in page and "/ship/" not in page  # nothing left to do


def test_bulk_confirm(staff, order_shop, rms_orders):
    waiting = fetch_new(order_shop.account, rms_orders, 2)
    moved, = fetch_new(order_shop.account, rms_orders, progress=300)
    selected = [o.pk for o in (*waiting, moved)]
    response = staff.post(LIST, {"action": "confirm_selected", "_selected_action": selected, "index": "0"})
    assert response.status_code == 302
    calls = [sorted(e["body"]["orderNumberList"]) for e in rms_orders.log(CONFIRM)]
    assert calls == [sorted(o.order_number for o in waiting)]
    assert set(Order.objects.filter(pk__in=[o.pk for o in waiting]).values_list("order_progress", flat=True)) == {200}
    texts = said(response)
    assert any(moved.order_number in t for t in texts) and any("2 orders confirmed" in t for t in texts)


def test_bulk_ship_asks_then_ships_single_package_orders_and_names_the_rest(staff, order_shop, rms_orders):
    single, shipped = fetch_new(order_shop.account, rms_orders, 2, progress=300)
    several, = fetch_new(order_shop.account, rms_orders, packages=2, progress=300)
    cancelled, = fetch_new(order_shop.account, rms_orders, progress=900)
    record_shipment(package=shipped.packages.get(), delivery_company="1001", shipped_on=date.today())
    selected = [o.pk for o in (single, shipped, several, cancelled)]
    store = order_shop.account.stores.get()
    form = staff.post(LIST, {"action": "ship_selected", "_selected_action": selected, "index": "0"})
    assert form.status_code == 200 and 'name="apply"' in form.content.decode()
    assert Shipment.objects.count() == 1  # the question changes nothing
    response = staff.post(LIST, {"action": "ship_selected", "_selected_action": selected, "apply": "1",
                                 "delivery_company": "1003", "shipped_on": "2026-05-02", "store": store.pk})
    assert response.status_code == 302
    new = Shipment.objects.get(order=single)
    assert (new.delivery_company, new.tracking_number, new.store) == ("1003", "", store)
    assert Shipment.objects.count() == 2
    texts = " | ".join(said(response))
    assert "1 order marked shipped" in texts
    for order, why in ((several, "several packages"), (cancelled, "cancelled"), (shipped, "already shipped")):
        assert any(why in t and order.order_number in t for t in said(response)), (why, texts)


def test_tracking_numbers_by_csv_preview_then_confirm(staff, order_shop, rms_orders):
    order, = fetch_new(order_shop.account, rms_orders, progress=300)
    assert 'href="/admin/orders/order/shipments/import/"' in staff.get(LIST).content.decode()
    data = f"注文番号,お問い合わせ番号,配送会社,発送日\n{order.order_number},9999-0000,日本郵便,2026-05-02\n".encode()
    url = f"{LIST}shipments/import/"
    preview = staff.post(url, {"account": order_shop.account.pk, "file": SimpleUploadedFile("t.csv", data)})
    assert preview.status_code == 200 and not Shipment.objects.exists()
    token = preview.context["preview_token"]
    assert token and "9999-0000" in preview.content.decode()
    done = staff.post(url, {"preview_token": token})
    assert done.status_code == 302 and done.url == LIST
    assert Shipment.objects.get(order=order).delivery_company == "1003"
    assert LogEntry.objects.filter(change_message__contains="tracking-number CSV").exists()


def test_a_bad_csv_lists_its_rows_and_writes_nothing(staff, order_shop, rms_orders):
    data = "注文番号,配送会社,お問い合わせ番号,発送日\n000001-20250101-99999999,1001,X,2026-05-02\n".encode()
    response = staff.post(f"{LIST}shipments/import/", {"account": order_shop.account.pk,
                                                       "file": SimpleUploadedFile("t.csv", data)})
    assert response.status_code == 200 and response.context["preview_token"] is None
    page = response.content.decode()
    assert "000001-20250101-99999999" in page and 'class="import-error"' in page
    assert not Shipment.objects.exists()


def test_a_user_who_may_only_view_orders_gets_403_on_every_shipping_url(client, order_shop, rms_orders,
                                                                        django_user_model):
    order, = fetch_new(order_shop.account, rms_orders, progress=300)
    shipment = record_shipment(package=order.packages.get(), delivery_company="1001", shipped_on=date.today())
    viewer = django_user_model.objects.create_user("viewer", "v@example.com", "pw", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_order"))
    client.force_login(viewer)
    values = {"object_id": order.pk, "package_id": order.packages.get().pk, "shipment_id": shipment.pk}
    routes = [str(p.pattern) for p in shipping_urls(admin.site._registry[Order])] + ["shipments/import/"]
    urls = [LIST + re.sub(r"<\w+:(\w+)>", lambda m: str(values[m[1]]), route) for route in routes]
    assert len(urls) == 7
    before = (Shipment.objects.count(), Order.objects.get().state, len(rms_orders.log()))
    for url in urls:
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"reason": "10", "delivery_company": "1001", "shipped_on": "2026-05-02"}
                           ).status_code == 403, url
    assert (Shipment.objects.count(), Order.objects.get().state, len(rms_orders.log())) == before
    page = client.get(page_of(order)).content.decode()
    assert "/confirm/" not in page and "/cancel/" not in page and "/ship/" not in page  # no form that would refuse
    assert "/slip/" in page  # the slip is for viewers too
    assert "shipments/import/" not in client.get(LIST).content.decode()


def test_the_slip_and_the_export_are_wired_into_the_order_list_and_page(staff, order_shop, rms_orders):
    order, = fetch_new(order_shop.account, rms_orders, progress=300)
    slip = staff.get(f"{LIST}{order.pk}/slip/")
    assert slip.status_code == 200 and slip["Content-Type"] == "application/pdf"
    printed = staff.post(LIST, {"action": "print_delivery_slips", "_selected_action": [order.pk], "index": "0"})
    assert printed.status_code == 200 and printed["Content-Type"] == "application/pdf"
    listed = staff.get(LIST).content.decode()
    assert 'href="/admin/orders/order/export/?&amp;format=csv"' in listed
    exported = staff.get(f"{LIST}export/", {"format": "csv"})
    assert exported.status_code == 200 and order.order_number in exported.getvalue().decode("utf-8-sig")
    chosen = staff.post(LIST, {"action": "export_selected_xlsx", "_selected_action": [order.pk], "index": "0"})
    assert chosen["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_tracking_number_page_offers_its_template(admin_client):
    """The template's header is one the import reads: a file filled in from it goes through as it is."""
    from rakuten_link.admin.orders import SHIPMENTS_TEMPLATE_ROWS
    from rakuten_link.shipping.imports import COLUMNS

    page = admin_client.get("/admin/orders/order/shipments/import/").content.decode()
    assert "/admin/orders/order/shipments/import/template/" in page
    template = admin_client.get("/admin/orders/order/shipments/import/template/")
    header = template.content.decode("utf-8-sig").splitlines()[0].split(",")
    assert header == SHIPMENTS_TEMPLATE_ROWS[0]
    assert all(any(name in column.labels for column in COLUMNS) for name in header)
