"""Shipments made here: the goods leave the shelf once, corrections and deletions wait for the report."""

from __future__ import annotations

from datetime import date

import pytest

from inventory.models import StockLevel, StockMovement
from orders.models import Order, OrderLine, OrderPackage, Shipment
from orders.services import allocate_order
from orders.shipping import (
    Outcome,
    ShippingError,
    change_shipment,
    delete_shipment,
    record_shipment,
    settle_report,
    ship_order,
)

DAY = date(2026, 12, 1)


@pytest.fixture
def shop(make_account, make_store, make_sku, set_stock):
    store = make_store("S1")
    account = make_account(stores=[store])
    sku = make_sku("TEE-M")
    set_stock(store, sku, 10)
    return account, store, sku


def level(store, sku):
    return StockLevel.objects.get(store=store, sku=sku)


def test_shipping_an_order_takes_its_goods_off_the_shelf_once(shop, make_order):
    account, store, sku = shop
    order = allocate_order(make_order(account, [(sku, 3)]))
    shipment = ship_order(order, delivery_company="1001", tracking_number=" 1234-5678 ", shipped_on=DAY, store=store)
    assert shipment.tracking_number == "1234-5678" and shipment.report_state == "pending" and shipment.needs_report
    assert Order.objects.get(pk=order.pk).state == "shipped"
    assert (level(store, sku).on_hand, level(store, sku).allocated) == (7, 0)
    record_shipment(package=order.packages.get(), delivery_company="1001", tracking_number="2", shipped_on=DAY)
    assert StockMovement.objects.filter(kind="order_shipment").count() == 1  # a second parcel moves nothing


def test_an_order_with_two_packages_ships_when_both_have_a_parcel(shop, make_order):
    account, store, sku = shop
    order = allocate_order(make_order(account, [(sku, 1), (sku, 2)]))
    first = order.packages.get()
    second = OrderPackage.objects.create(order=order, basket_id=first.basket_id + 1000)
    second_line = OrderLine.objects.filter(order=order).order_by("item_detail_id").last()
    OrderLine.objects.filter(pk=second_line.pk).update(package=second)
    with pytest.raises(ShippingError):
        ship_order(order, delivery_company="1001", shipped_on=DAY)
    record_shipment(package=first, delivery_company="1001", shipped_on=DAY, store=store)
    order.refresh_from_db()
    assert order.state == "allocated" and level(store, sku).allocated == 2
    record_shipment(package=second, delivery_company="1002", shipped_on=DAY, store=store)
    assert Order.objects.get(pk=order.pk).state == "shipped" and level(store, sku).on_hand == 7


def test_the_21st_parcel_of_a_package_is_refused(shop, make_order):
    account, _store, sku = shop
    package = make_order(account, [(sku, 1)]).packages.get()
    for n in range(20):
        record_shipment(package=package, delivery_company="1001", tracking_number=str(n), shipped_on=DAY)
    with pytest.raises(ShippingError):
        record_shipment(package=package, delivery_company="1001", tracking_number="21", shipped_on=DAY)
    assert Shipment.objects.count() == 20


def test_a_correction_after_the_report_is_pending_again_and_a_deletion_is_kept_to_be_reported(shop, make_order):
    account, _store, sku = shop
    order = make_order(account, [(sku, 1)])
    shipment = ship_order(order, delivery_company="1001", tracking_number="111", shipped_on=DAY)
    settle_report([(shipment, Outcome.reported(55))])
    assert Shipment.objects.get().report_state == "reported" and not Shipment.objects.get().needs_report
    shipment = change_shipment(shipment, tracking_number="222")
    assert shipment.report_state == "pending" and shipment.external_id == "55"
    delete_shipment(shipment)
    kept = Shipment.objects.get()
    assert kept.deleted and kept.needs_report and kept.report_state == "pending"


def test_a_never_reported_shipment_is_simply_deleted(shop, make_order):
    account, _store, sku = shop
    shipment = ship_order(make_order(account, [(sku, 1)]), delivery_company="1001", shipped_on=DAY)
    delete_shipment(shipment)
    assert not Shipment.objects.exists()


def test_a_cancelled_order_cannot_be_shipped(shop, make_order):
    account, _store, sku = shop
    order = make_order(account, [(sku, 1)], state="cancelled")
    with pytest.raises(ShippingError):
        ship_order(order, delivery_company="1001", shipped_on=DAY)
