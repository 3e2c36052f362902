"""`rakuten_sync orders --sweep`: orders that appear in RMS days after their order time, behind the cursor."""

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_q.models import Schedule

from orders.models import Order
from rakuten_link.models import SyncCursor
from rakuten_link.rms.dates import format_order_datetime, parse_datetime
from rakuten_link.sync.jobs import run_account_job
from rakuten_link.tasks import dispatch


def run(account, **options):
    result = run_account_job(account, "orders", **options)
    assert result.status == "success", result.error
    return result


def cursor(account):
    return SyncCursor.objects.get(account=account, kind="orders").position


@pytest.fixture
def late_order(order_shop, rms_orders):
    """The fetch has run (cursor at now); then an order placed 2 days ago becomes visible in RMS."""
    rms_orders.random(2)
    run(order_shop.account)
    number, = rms_orders.create({"orderDatetime": format_order_datetime(timezone.now() - timedelta(days=2)),
                                 "PackageModelList": [{"ItemModelList": [
                                     {"manageNumber": "tee01", "variantId": "tee01-m-blk", "units": 2}]}]})
    rms_orders.clear_log()
    return number


def test_the_normal_fetch_never_sees_a_late_order(order_shop, rms_orders, late_order):
    run(order_shop.account)
    assert not Order.objects.filter(order_number=late_order).exists()
    assert rms_orders.log("rpay.order.getOrder") == []


def test_the_sweep_fetches_a_late_order_once_allocates_it_and_leaves_the_cursor(
        order_shop, rms_orders, late_order, settings, capsys, ledger_check):
    settings.RAKUTEN_ORDER_SWEEP_HOURS = 72
    before = cursor(order_shop.account)
    call_command("rakuten_sync", "orders", "--sweep", "--account", order_shop.account.name)
    assert "success" in capsys.readouterr().out

    search, = rms_orders.log("rpay.order.searchOrder")
    start = parse_datetime(search["body"]["startDatetime"])
    assert search["body"]["dateType"] == 1 and abs(start - (timezone.now() - timedelta(hours=72))) < timedelta(
        minutes=1)
    get, = rms_orders.log("rpay.order.getOrder")
    assert get["body"]["orderNumberList"] == [late_order]  # the two stored orders are not asked again
    order = Order.objects.get(order_number=late_order)
    assert order.state == "allocated" and order.lines.get().allocated_units == 2
    assert ledger_check(order_shop.account) > 0
    assert cursor(order_shop.account) == before

    rms_orders.clear_log()
    second = run(order_shop.account, sweep=True)
    assert rms_orders.log("rpay.order.getOrder") == [] and len(rms_orders.log("rpay.order.searchOrder")) == 1
    assert second.counts["new"] == 0 and second.counts["listed"] == 3 and "72" in second.summary
    assert Order.objects.filter(order_number=late_order).count() == 1
    assert cursor(order_shop.account) == before

    rms_orders.clear_log()
    run(order_shop.account)  # the every-minute fetch goes on from its own cursor, minus the overlap
    start = parse_datetime(rms_orders.log("rpay.order.searchOrder")[0]["body"]["startDatetime"])
    assert start == (before - timedelta(minutes=settings.RAKUTEN_ORDER_OVERLAP_MINUTES)).replace(microsecond=0)


def test_the_sweep_looks_back_only_as_far_as_the_setting_says(order_shop, rms_orders, late_order, settings):
    settings.RAKUTEN_ORDER_SWEEP_HOURS = 24
    run(order_shop.account, sweep=True)
    assert not Order.objects.filter(order_number=late_order).exists()


def test_a_sweep_without_a_cursor_creates_none(order_shop, rms_orders):
    rms_orders.random(1)
    run(order_shop.account, sweep=True)
    assert Order.objects.count() == 1 and not SyncCursor.objects.exists()


def test_sweep_and_since_do_not_mix(order_shop):
    with pytest.raises(CommandError):
        call_command("rakuten_sync", "orders", "--sweep", "--since", "2025-01-01")
    with pytest.raises(CommandError):
        call_command("rakuten_sync", "inventory", "--sweep")
    result = run_account_job(order_shop.account, "orders", sweep=True, since="2025-01-01")
    assert result.status == "failed" and "--since" in result.error


def test_the_hourly_sweep_schedule_passes_sweep_to_the_job(db, account, monkeypatch):
    call_command("setup_schedules")
    fetch = Schedule.objects.get(name="rakuten: fetch orders")
    sweep = Schedule.objects.get(name="rakuten: order sweep")
    assert (sweep.func, sweep.args, sweep.schedule_type, sweep.minutes) == (
        "rakuten_link.tasks.dispatch", "'orders'", Schedule.MINUTES, 60)
    assert fetch.kwargs is None and sweep.kwargs == "sweep=True"
    # Half a minute out of phase with the every-minute fetch: never due in the same scheduler pass.
    assert sweep.next_run - fetch.next_run == timedelta(seconds=30)
    call_command("setup_schedules")
    assert Schedule.objects.filter(name="rakuten: order sweep").count() == 1

    from django_q.scheduler import scheduler  # importing it at collection time would set Django up too early

    queued = []

    def run_dispatch_now(func, *args, q_options=None, **kwargs):
        assert func == "rakuten_link.tasks.dispatch"
        dispatch(*args, **kwargs)
        return "task-id"

    monkeypatch.setattr("rakuten_link.tasks.async_task", lambda func, *args, **kwargs: queued.append((args, kwargs)))
    monkeypatch.setattr("django_q.scheduler.async_task", run_dispatch_now)
    monkeypatch.setattr("django_q.scheduler.close_old_django_connections", lambda: None)  # the test's connection
    Schedule.objects.exclude(pk=sweep.pk).delete()
    Schedule.objects.filter(pk=sweep.pk).update(next_run=timezone.now() - timedelta(seconds=1))
    scheduler()  # what the cluster runs: it parses the kwargs text and queues dispatch('orders', sweep=True)
    (args, kwargs), = queued
    assert args == (account.pk, "orders") and kwargs["sweep"] is True
