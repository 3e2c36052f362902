"""Re-reading changed orders costs queries per batch, not per order (the open-order refresh)."""

import json

from django.db import connection
from django.test.utils import CaptureQueriesContext

from inventory.models import StockLevel
from orders.models import Order, OrderChange
from rakuten_link.sync.jobs import run_account_job

CHANGED = 10


def _refresh_counting(account) -> int:
    with CaptureQueriesContext(connection) as queries:
        run = run_account_job(account, "open-orders")
    assert run.status == "success", run.error
    return len(queries.captured_queries)


def _line(n: int) -> dict:
    return {"PackageModelList": [{"ItemModelList": [{"manageNumber": "tee01", "variantId": "tee01-m-blk",
                                                      "units": 1}]}]}


def test_a_refresh_of_many_changed_orders_costs_at_most_a_quarter_query_per_order_more(order_shop, rms_orders):
    numbers = rms_orders.create(*(_line(n) for n in range(CHANGED + 1)))
    assert run_account_job(order_shop.account, "orders").status == "success"
    rms_orders.advance(numbers[0], 300)
    one = _refresh_counting(order_shop.account)
    for number in numbers[1:]:
        rms_orders.advance(number, 300)
    many = _refresh_counting(order_shop.account)
    assert set(Order.objects.values_list("order_progress", flat=True)) == {300}
    assert many - one <= 0.25 * CHANGED, (one, many)


def _change_rows(rms_orders, number: str) -> None:
    """In RMS: the package's address, the line's units, and one more line (another SKU)."""
    packages = rms_orders.get(number)["PackageModelList"]
    packages[0]["SenderModel"]["city"] = "港区"
    item = packages[0]["ItemModelList"][0]
    item["units"] += 1
    added = json.loads(json.dumps(item))
    added["itemDetailId"] += 500_000
    added["SkuModelList"][0]["variantId"] = "tee01-l-blk"
    packages[0]["ItemModelList"].append(added)
    rms_orders.patch(number, {"PackageModelList": packages})


def test_packages_and_lines_of_many_changed_orders_are_written_per_batch(order_shop, rms_orders):
    StockLevel.objects.update(on_hand=100)  # every line allocates in full: the same state writes either way
    numbers = rms_orders.create(*(_line(n) for n in range(CHANGED + 1)))
    assert run_account_job(order_shop.account, "orders").status == "success"
    _change_rows(rms_orders, numbers[0])
    one = _refresh_counting(order_shop.account)
    for number in numbers[1:]:
        _change_rows(rms_orders, number)
    many = _refresh_counting(order_shop.account)
    assert many <= one, (one, many)
    for order in Order.objects.all():
        package = order.packages.get()
        assert package.recipient_address.startswith("東京都港区")
        lines = {line.variant_id: line for line in order.lines.all()}
        assert lines["tee01-m-blk"].units == 2 and lines["tee01-l-blk"].units == 2
        assert lines["tee01-l-blk"].package == package and lines["tee01-l-blk"].allocated_units == 2
    assert OrderChange.objects.filter(field__endswith=":units").count() == CHANGED + 1
