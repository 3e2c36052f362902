"""The open-order refresh at a shop's size: an order RMS returns as stored costs neither a parse nor a read."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from orders.models import Order, OrderChange
from rakuten_link.rms import parse_orders
from rakuten_link.sync.jobs import run_account_job

ORDERS = 30


def run(account, kind):
    result = run_account_job(account, kind)
    assert result.status == "success", result.error
    return result


def counting_parses(monkeypatch) -> list[str]:
    """The order numbers parse_order is given, in order."""
    parsed: list[str] = []
    original = parse_orders.parse_order

    def parse(model):
        parsed.append(model["orderNumber"])
        return original(model)

    monkeypatch.setattr(parse_orders, "parse_order", parse)
    return parsed


def test_orders_returned_as_stored_are_only_stamped(order_shop, rms_orders, monkeypatch):
    numbers = rms_orders.random(ORDERS, orderProgress=300)
    run(order_shop.account, "orders")
    changed = numbers[7]
    rms_orders.progress(changed, 500)
    parsed = counting_parses(monkeypatch)
    before = timezone.now()
    with CaptureQueriesContext(connection) as queries:
        result = run(order_shop.account, "open-orders")
    assert parsed == [changed]
    assert result.counts["unchanged"] == ORDERS - 1 and result.counts["updated"] == 1
    assert Order.objects.filter(refreshed_at__gte=before).count() == ORDERS
    assert Order.objects.get(order_number=changed).order_progress == 500
    assert set(OrderChange.objects.values_list("order__order_number", flat=True)) == {changed}
    full_reads = [q["sql"] for q in queries.captured_queries
                  if q["sql"].startswith("SELECT") and '"orders_order"."raw"' in q["sql"]]
    assert len(full_reads) == 1 and changed in full_reads[0]  # the changed order's row only


def test_an_unchanged_order_still_awaiting_confirmation_is_confirmed(order_shop, rms_orders):
    number, = rms_orders.create({"orderProgress": 100})
    run(order_shop.account, "orders")  # auto-confirm off: stored in 100
    order_shop.account.auto_confirm_orders = True
    order_shop.account.save()
    result = run(order_shop.account, "open-orders")
    assert result.counts["unchanged"] == 1 and result.counts["confirmed"] == 1
    assert rms_orders.get(number)["orderProgress"] == 200
    assert Order.objects.get(order_number=number).order_progress == 200
