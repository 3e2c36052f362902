"""Tracking numbers are what carriers issue: letters, digits and hyphens, at most 120 — on every path in.

A number goes to RMS (shippingNumber) and into exports that staff open in a spreadsheet, so a formula such
as ``=cmd|' /C calc'!A0`` is refused with a message naming the field, and nothing is recorded or queued.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError

from orders.models import ReportState, Shipment
from orders.models.shipment import normalize_tracking_number, validate_tracking_number
from orders.services import allocate_order
from orders.shipping import ShippingError, change_shipment, record_shipment
from rakuten_link.shipping.imports import import_shipments_csv

from .helpers import fetch_new

FORMULA = "=cmd|' /C calc'!A0"
BAD = [FORMULA, "1234 5678", "<b>1</b>", "SG_1", "１２３４あ", "A" * 121, "+1-2", "@SUM(1)"]
LIST = "/admin/orders/order/"


@pytest.mark.parametrize("value", BAD)
def test_the_model_refuses_anything_but_letters_digits_and_hyphens(value, make_account, make_sku, make_order):
    order = make_order(make_account("楽天本店"), [(make_sku("TEE-M"), 1)])
    shipment = Shipment(order=order, package=order.packages.get(), delivery_company="1001", tracking_number=value,
                        shipped_on=date(2026, 5, 2))
    with pytest.raises(ValidationError) as error:
        shipment.full_clean()
    assert list(error.value.message_dict) == ["tracking_number"]
    assert "お問い合わせ番号" in error.value.message_dict["tracking_number"][0]


@pytest.mark.parametrize(("typed", "stored"), [
    ("1234-5678-9012", "1234-5678-9012"), ("  SG-1 ", "SG-1"), ("１２３４－５６７８", "1234-5678"),
    ("ＡＢ１２", "AB12"), ("3600ー1234", "3600-1234"), ("A" * 120, "A" * 120)])
def test_carrier_numbers_pass_full_width_ones_normalised(typed, stored):
    assert normalize_tracking_number(typed) == stored
    validate_tracking_number(stored)


@pytest.fixture
def staff(admin_client):
    admin_client.cookies["django_language"] = "ja"
    return admin_client


def _ship(prefix, store, number):
    return {f"{prefix}-delivery_company": "1001", f"{prefix}-tracking_number": number,
            f"{prefix}-shipped_on": "2026-05-02", f"{prefix}-store": store.pk}


def test_the_order_page_refuses_a_formula_and_records_nothing(staff, order_shop, rms_orders):
    order, = fetch_new(order_shop.account, rms_orders, progress=300)
    store, package = order_shop.account.stores.get(), order.packages.get()

    one_step = staff.post(f"{LIST}{order.pk}/ship/", _ship("ship", store, FORMULA))
    per_package = staff.post(f"{LIST}{order.pk}/packages/{package.pk}/ship/",
                             _ship(f"pkg{package.pk}", store, FORMULA))

    assert not Shipment.objects.exists()
    for response in (one_step, per_package):
        said = " ".join(str(m) for m in get_messages(response.wsgi_request))
        assert "お問い合わせ番号" in said and "英数字とハイフン" in said
    order.refresh_from_db()
    assert order.state != "shipped"


def test_the_order_page_stores_a_full_width_number_normalised(staff, order_shop, rms_orders):
    order, = fetch_new(order_shop.account, rms_orders, progress=300)
    staff.post(f"{LIST}{order.pk}/ship/", _ship("ship", order_shop.account.stores.get(), " １２３４－５６７８ "))
    assert Shipment.objects.get(order=order).tracking_number == "1234-5678"


def test_a_correction_on_the_order_page_refuses_a_formula(staff, order_shop, rms_orders):
    order, = fetch_new(order_shop.account, rms_orders, progress=300)
    shipment = record_shipment(package=order.packages.get(), delivery_company="1001", tracking_number="OLD-1",
                               shipped_on=date(2026, 5, 1))
    Shipment.objects.filter(pk=shipment.pk).update(external_id="77", report_state=ReportState.REPORTED,
                                                   reported_values=shipment.values)

    response = staff.post(f"{LIST}{order.pk}/shipments/{shipment.pk}/change/",
                          {"delivery_company": "1001", "tracking_number": FORMULA, "shipped_on": "2026-05-01"})

    assert response.status_code == 200 and "英数字とハイフン" in response.content.decode()
    shipment.refresh_from_db()
    assert (shipment.tracking_number, shipment.report_state) == ("OLD-1", ReportState.REPORTED)


def test_the_writer_refuses_a_formula_whoever_calls_it(order_shop, rms_orders):
    """Bulk ship, the CSV and the order page all record through orders.shipping: it is the last gate."""
    order, = fetch_new(order_shop.account, rms_orders, progress=300)
    with pytest.raises(ShippingError, match="お問い合わせ番号"):
        record_shipment(package=order.packages.get(), delivery_company="1001", tracking_number=FORMULA,
                        shipped_on=date(2026, 5, 2))
    assert not Shipment.objects.exists()
    shipment = record_shipment(package=order.packages.get(), delivery_company="1001", shipped_on=date(2026, 5, 2))
    with pytest.raises(ShippingError, match="お問い合わせ番号"):
        change_shipment(shipment, tracking_number=FORMULA)
    shipment.refresh_from_db()
    assert shipment.tracking_number == ""
    assert change_shipment(shipment, tracking_number="１２３－４").tracking_number == "123-4"


def test_bulk_ship_then_a_csv_with_a_formula_fills_nothing(staff, order_shop, rms_orders):
    order, = fetch_new(order_shop.account, rms_orders, progress=300)
    bulk = staff.post(LIST, {"action": "ship_selected", "_selected_action": [order.pk], "delivery_company": "1001",
                             "shipped_on": "2026-05-02", "store": order_shop.account.stores.get().pk, "apply": "1"})
    assert bulk.status_code == 302 and Shipment.objects.get(order=order).tracking_number == ""
    data = ("注文番号,送付先ID,配送会社,お問い合わせ番号,発送日\n"
            f"{order.order_number},,1001,\"{FORMULA}\",2026-05-02\n").encode()

    report = import_shipments_csv(data, account=order_shop.account)

    assert [(e.line, e.column) for e in report.errors] == [(2, "お問い合わせ番号")]
    assert "英数字とハイフン" in report.errors[0].message
    shipment = Shipment.objects.get(order=order)
    assert (shipment.tracking_number, shipment.report_state) == ("", ReportState.PENDING)


def test_a_csv_with_one_bad_number_records_no_row(make_account, make_store, make_sku, set_stock, make_order):
    store, sku = make_store("S1"), make_sku("TEE-M")
    set_stock(store, sku, 10)
    account = make_account("楽天本店", stores=[store])
    good, bad = (allocate_order(make_order(account, [(sku, 1)], order_progress=300)) for _ in range(2))
    data = ("注文番号,送付先ID,配送会社,お問い合わせ番号,発送日\n"
            f"{good.order_number},,1001,１２３４－５６７８,2026-05-02\n"
            f"{bad.order_number},,1001,@SUM(A1),2026-05-02\n").encode("cp932")

    assert not import_shipments_csv(data, account=account, dry_run=True).ok
    report = import_shipments_csv(data, account=account)

    assert [(e.line, e.column) for e in report.errors] == [(3, "お問い合わせ番号")]
    assert not Shipment.objects.exists()
