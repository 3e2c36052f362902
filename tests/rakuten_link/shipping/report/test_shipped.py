"""Once every row is reported, RMS's nightly batch ships the order (300 → 500); our refresh then records
that without moving stock a second time."""

from __future__ import annotations

import requests

from inventory.models import StockLevel, StockMovement
from orders.models import Order
from rakuten_link.sync.jobs import run_account_job

from .conftest import SHIP_DAY


def test_the_tick_ships_a_fully_reported_order_and_the_refresh_moves_no_stock_again(order_shop, make_orders, ship,
                                                                                    report, rms_orders, ledger_check):
    (order,) = make_orders(1, packages=2)
    level = StockLevel.objects.get(sku=order_shop.skus["tee01-m-blk"], store=order_shop.account.stores.get())
    assert (level.on_hand, level.allocated) == (10, 2)
    first, second = order.packages.order_by("basket_id")
    ship(first, "P-1")
    tick = requests.post(f"{order_shop.sandbox.url}/_sandbox/tick", json={}, timeout=10).json()["shipped"]
    assert order.order_number not in tick  # nothing reported yet
    ship(second, "P-2")
    report()
    shipments_moved = StockMovement.objects.filter(kind="order_shipment").count()
    level.refresh_from_db()
    assert (level.on_hand, level.allocated) == (8, 0) and Order.objects.get(pk=order.pk).state == "shipped"

    tick = requests.post(f"{order_shop.sandbox.url}/_sandbox/tick", json={}, timeout=10).json()["shipped"]
    assert tick == [order.order_number] and rms_orders.get(order.order_number)["orderProgress"] == 500
    refresh = run_account_job(order_shop.account, "open-orders")
    assert refresh.status == "success", refresh.error

    order.refresh_from_db()
    assert order.order_progress == 500 and order.state == "shipped" and order.shipping_reported_at is not None
    assert StockMovement.objects.filter(kind="order_shipment").count() == shipments_moved
    level.refresh_from_db()
    assert (level.on_hand, level.allocated) == (8, 0)
    assert ledger_check(order_shop.account) == 0
    assert {s.shipped_on for s in order.shipments.all()} == {SHIP_DAY}
