"""Order intake under failure: flaky RMS, concurrent runs, a run that dies, long and busy date ranges."""

import threading
from datetime import timedelta

import pytest
from django.db import close_old_connections, connection
from django.utils import timezone

from orders.models import Order
from rakuten_link.models import SyncCursor
from rakuten_link.rms.dates import format_order_datetime, parse_datetime
from rakuten_link.sync.jobs import run_account_job
from rakuten_link.sync.orders import upsert as order_upsert
from rakuten_link.sync.orders.fetch import fetch_orders


def stored_numbers() -> list[str]:
    return list(Order.objects.values_list("order_number", flat=True))


def sandbox_numbers(order_shop) -> set[str]:
    return {o["orderNumber"] for o in order_shop.sandbox.state.orders_of(order_shop.shop)}


def test_flaky_rms_every_order_lands_once_with_exact_allocations(order_shop, rms_orders, ledger_check, settings):
    settings.RMS_MAX_RETRIES = 12
    rms_orders.random(500, start=format_order_datetime(timezone.now() - timedelta(days=2)))
    rms_orders.config(fault_503_rate=0.2, drop_rate=0.2, random_seed=7)
    result = run_account_job(order_shop.account, "orders")
    assert result.status == "success", result.error
    log = rms_orders.log()
    assert any(e["status"] == 503 for e in log) and any(e["dropped"] for e in log)
    numbers = stored_numbers()
    assert len(numbers) == len(set(numbers)) == 500 and set(numbers) == sandbox_numbers(order_shop)
    assert ledger_check(order_shop.account) > 0


@pytest.mark.django_db(transaction=True)
def test_two_runs_started_together_neither_duplicate_nor_double_allocate(order_shop, rms_orders, ledger_check):
    """Once through the runner (the lease lets one run), once calling the job directly (no lease at all)."""
    rms_orders.random(300, start=format_order_datetime(timezone.now() - timedelta(days=1)))
    results, errors = [], []
    barrier = threading.Barrier(2)

    def through_runner():
        barrier.wait()
        try:
            results.append(run_account_job(order_shop.account, "orders").status)
        finally:
            close_old_connections()
            connection.close()

    def direct():
        from rakuten_link.sync.clients import client_for

        barrier.wait()
        try:
            results.append(fetch_orders(account=order_shop.account, client=client_for(order_shop.account)).failed)
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    for target in (through_runner, direct):
        threads = [threading.Thread(target=target) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    assert errors == [] and sorted(results[:2]) == ["skipped", "success"] and results[2:] == [False, False]
    numbers = stored_numbers()
    assert len(numbers) == len(set(numbers)) == 300
    assert ledger_check(order_shop.account) > 0


def test_a_run_that_dies_part_way_is_completed_by_the_next(order_shop, rms_orders, ledger_check, monkeypatch):
    numbers = rms_orders.random(350, start=format_order_datetime(timezone.now() - timedelta(days=2)))
    real_create, calls = order_upsert._create, []

    def dying_create(*args, **kwargs):
        real_create(*args, **kwargs)  # the third batch is written, then the worker dies before its commit
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("worker killed")

    monkeypatch.setattr(order_upsert, "_create", dying_create)
    result = run_account_job(order_shop.account, "orders")
    assert result.status == "failed" and "worker killed" in result.error
    assert Order.objects.count() == 200
    newest = max(Order.objects.values_list("ordered_at", flat=True))
    assert SyncCursor.objects.get(account=order_shop.account).position == newest
    ledger_check(order_shop.account)

    monkeypatch.undo()
    rms_orders.clear_log()
    assert run_account_job(order_shop.account, "orders").status == "success"
    fetched = sum((e["body"]["orderNumberList"] for e in rms_orders.log("rpay.order.getOrder")), [])
    assert len(fetched) == 150  # only what the dead run had not committed
    stored = stored_numbers()
    assert len(stored) == len(set(stored)) == 350 and set(stored) == set(numbers)
    ledger_check(order_shop.account)


def test_more_than_63_days_and_more_than_1000_orders_per_window_are_all_fetched(order_shop, rms_orders):
    start = timezone.now() - timedelta(days=100)
    # 1 050 orders in the first 40 days (one 62-day window, two pages of 1 000) and 20 in the last 30 days (the
    # second window): every rule of the walk with half the orders of 2 200 spread evenly.
    numbers = rms_orders.random(1050, start=format_order_datetime(start),
                                end=format_order_datetime(start + timedelta(days=40)))
    numbers += rms_orders.random(20, start=format_order_datetime(timezone.now() - timedelta(days=30)))
    since = timezone.localtime(start).date().isoformat()
    result = run_account_job(order_shop.account, "orders", since=since)
    assert result.status == "success", result.error
    assert set(stored_numbers()) == set(numbers) and Order.objects.count() == 1070
    searches = [e["body"] for e in rms_orders.log("rpay.order.searchOrder")]
    windows = {(s["startDatetime"], s["endDatetime"]) for s in searches}
    assert len(windows) >= 2
    for begin, end in windows:
        assert parse_datetime(end) - parse_datetime(begin) <= timedelta(days=63)
    assert any(s["PaginationRequestModel"]["requestPage"] == 2 for s in searches)
    assert len(rms_orders.log("rpay.order.getOrder")) == 11
