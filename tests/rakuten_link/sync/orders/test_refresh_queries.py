"""Re-reading changed orders costs queries per batch, not per order (the open-order refresh)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from orders.models import Order
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
