"""Orders and stock against the sandbox: first seen shipped takes nothing; shipped in RMS consumes once."""

from __future__ import annotations

from inventory.models import StockLevel, StockMovement
from orders.models import Order
from rakuten_link.sync.jobs import run_account_job

ITEM = {"PackageModelList": [{"ItemModelList": [{"manageNumber": "tee01", "variantId": "tee01-m-blk", "units": 2}]}]}


def level(order_shop) -> StockLevel:
    return StockLevel.objects.get(sku=order_shop.skus["tee01-m-blk"], store=order_shop.account.stores.get())


def run(account, kind):
    result = run_account_job(account, kind)
    assert result.status == "success", result.error
    return result


def test_an_order_first_seen_shipped_or_completed_takes_no_stock(order_shop, rms_orders, ledger_check):
    numbers = rms_orders.create({**ITEM, "orderProgress": 500}, {**ITEM, "orderProgress": 700})
    run(order_shop.account, "orders")
    assert set(Order.objects.filter(order_number__in=numbers).values_list("state", flat=True)) == {"shipped"}
    assert not StockMovement.objects.exists()
    assert (level(order_shop).on_hand, level(order_shop).allocated) == (10, 0)
    assert ledger_check(order_shop.account) == 0


def test_an_order_shipped_in_rms_by_hand_consumes_its_allocation_once(order_shop, rms_orders, ledger_check):
    number, = rms_orders.create({**ITEM, "orderProgress": 300})
    run(order_shop.account, "orders")
    assert (level(order_shop).on_hand, level(order_shop).allocated) == (10, 2)
    rms_orders.progress(number, 500)  # staff shipped it in RMS
    run(order_shop.account, "open-orders")
    run(order_shop.account, "orders")  # fetched again in the overlap: nothing moves twice
    order = Order.objects.get(order_number=number)
    assert order.state == "shipped" and order.lines.get().shipped_units == 2
    assert (level(order_shop).on_hand, level(order_shop).allocated) == (8, 0)
    assert StockMovement.objects.filter(kind="order_shipment").count() == 1
    assert ledger_check(order_shop.account) == 0
