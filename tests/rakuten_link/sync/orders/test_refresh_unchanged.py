"""The open-order refresh at a shop's size: an order RMS returns as stored costs neither a parse, a read nor a
write."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from orders.models import Order, OrderChange
from rakuten_link.rms import parse_orders
from rakuten_link.sandbox.state.faults import FaultRule
from rakuten_link.sync.jobs import run_account_job
from rakuten_link.sync.orders import refresh

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


def test_orders_returned_as_stored_are_neither_parsed_read_nor_written(order_shop, rms_orders, monkeypatch):
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
    assert list(Order.objects.filter(refreshed_at__gte=before).values_list("order_number", flat=True)) == [changed]
    stamped = [q["sql"] for q in queries.captured_queries
               if q["sql"].startswith('UPDATE "orders_order"') and '"refreshed_at"' in q["sql"]]
    assert len(stamped) == 1  # the changed order's write, no stamp of the others
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


def _plan(sql: str, params) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")  # a handful of rows: make it show the index it would use
            cursor.execute("EXPLAIN " + sql, params)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        return "\n".join(str(row[-1]) for row in cursor.fetchall())


def test_the_selection_and_count_read_the_open_order_queue_without_sorting(order_shop, rms_orders, monkeypatch):
    monkeypatch.setattr(refresh, "MAX_BATCHES_PER_RUN", 1)
    monkeypatch.setattr(refresh, "BATCH_SIZE", 3)  # a full queue: the open orders are counted too
    rms_orders.random(5, orderProgress=300)
    run(order_shop.account, "orders")
    run(order_shop.account, "open-orders")  # a cursor in the middle: the next run reads after it, then wraps
    statements = []

    def keep(execute, sql, params, many, context):
        statements.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        result = run(order_shop.account, "open-orders")
    assert result.counts["open"] == 5 and result.counts["asked"] == 3
    reads = [(sql, params) for sql, params in statements
             if sql.startswith("SELECT") and 'FROM "orders_order" WHERE' in sql and '"ordered_at" >=' in sql]
    assert len(reads) == 3  # after the cursor, from the oldest again, the count
    for sql, params in reads:  # as run, values bound: SQLite used a partial index only for literals
        plan = _plan(sql, params)
        assert "order_refresh_queue" in plan and "TEMP B-TREE" not in plan and "Sort" not in plan, plan


def test_an_order_stored_without_a_digest_is_compared_in_full_once(order_shop, rms_orders, monkeypatch):
    number, = rms_orders.create({"orderProgress": 300})
    run(order_shop.account, "orders")
    stored = Order.objects.get(order_number=number)
    Order.objects.filter(pk=stored.pk).update(raw_digest="")  # stored before the digest existed
    parsed = counting_parses(monkeypatch)
    result = run(order_shop.account, "open-orders")
    assert parsed == [number] and result.counts["unchanged"] == 1 and not OrderChange.objects.exists()
    again = Order.objects.get(pk=stored.pk)
    assert again.raw_digest and again.updated_at == stored.updated_at  # remembered, not a change of the order
    run(order_shop.account, "open-orders")
    assert parsed == [number]  # not parsed a second time


def test_a_run_that_fails_midway_resumes_after_the_last_batch_asked(order_shop, rms_orders, monkeypatch):
    monkeypatch.setattr(refresh, "BATCH_SIZE", 5)
    rms_orders.random(12, orderProgress=300)
    run(order_shop.account, "orders")
    in_turn = list(Order.objects.order_by("ordered_at", "pk").values_list("order_number", flat=True))
    order_shop.sandbox.state.faults.add(FaultRule("rpay.order.getOrder", 50, 503, skip=1))
    result = run_account_job(order_shop.account, "open-orders")
    assert result.status == "failed" and result.counts["unchanged"] == 5
    order_shop.sandbox.state.faults.clear()
    rms_orders.clear_log()
    result = run(order_shop.account, "open-orders")
    asked = [n for e in rms_orders.log("rpay.order.getOrder") for n in e["body"]["orderNumberList"]]
    assert asked == in_turn[5:] + in_turn[:5]  # the batch that failed first, then round to the oldest
