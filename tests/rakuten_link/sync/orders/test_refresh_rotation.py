"""`rakuten_sync open-orders` is bounded per run and walks the open orders in turn, so none starves."""

import math
from datetime import timedelta

import pytest
from django.utils import timezone

from orders.models import Order
from rakuten_link.rms.dates import format_order_datetime
from rakuten_link.sync.jobs import run_account_job
from rakuten_link.sync.orders import refresh
from rakuten_link.sync.orders.manual import fetch_order_by_number

ACCOUNTS = "/admin/accounts/ecaccount/"
# Rotation is the same at any batch size: 25 open orders in batches of 10 (getOrder's 100) are three runs, as 250
# were, with a tenth of the orders to make and fetch (the fixture took 4-7 s on PostgreSQL).
BATCH, OPEN = 10, 25


def run(account, kind):
    result = run_account_job(account, kind)
    assert result.status == "success", result.error
    return result


def asked(rms_orders) -> list[str]:
    """Every order number getOrder received since the log was last cleared, in order."""
    return [n for entry in rms_orders.log("rpay.order.getOrder") for n in entry["body"]["orderNumberList"]]


def refresh_once(order_shop, rms_orders) -> list[str]:
    rms_orders.clear_log()
    result = run(order_shop.account, "open-orders")
    numbers = asked(rms_orders)
    assert result.counts["asked"] == len(numbers)
    return numbers


@pytest.fixture
def one_batch_a_run(monkeypatch):
    monkeypatch.setattr(refresh, "MAX_BATCHES_PER_RUN", 1)


@pytest.fixture
def open_orders(order_shop, rms_orders, monkeypatch):
    """OPEN open orders over the last day, fetched (so each has been refreshed once, by the fetch); the refresh
    asks getOrder for BATCH at a time."""
    monkeypatch.setattr(refresh, "BATCH_SIZE", BATCH)
    start = format_order_datetime(timezone.now() - timedelta(days=1))
    numbers = rms_orders.random(OPEN, start=start)
    run(order_shop.account, "orders")
    assert Order.objects.filter(refreshed_at__isnull=True).count() == 0
    return numbers


def test_runs_are_bounded_and_each_takes_the_orders_the_previous_one_did_not(
        order_shop, rms_orders, open_orders, one_batch_a_run):
    first = refresh_once(order_shop, rms_orders)
    second = refresh_once(order_shop, rms_orders)
    assert len(first) == len(second) == BATCH  # one getOrder batch a run, not all OPEN
    assert not set(first) & set(second)
    third = refresh_once(order_shop, rms_orders)
    assert len(third) == BATCH
    assert set(first) | set(second) | set(third) == set(open_orders)  # all OPEN within ceil(OPEN / BATCH) runs
    left = set(open_orders) - set(first) - set(second)
    rest = OPEN - 2 * BATCH
    assert set(third[:rest]) == left and set(third[rest:]) <= set(first)  # then the ones refreshed longest ago


def test_the_newest_open_order_is_refreshed_and_its_cancellation_caught(order_shop, rms_orders, open_orders,
                                                                        one_batch_a_run):
    newest = Order.objects.filter(account=order_shop.account).order_by("-ordered_at", "-pk").first()
    rms_orders.cancel(newest.order_number)
    runs = math.ceil(len(open_orders) / refresh.BATCH_SIZE)
    seen = [number for _run in range(runs) for number in refresh_once(order_shop, rms_orders)]
    assert newest.order_number in seen
    newest.refresh_from_db()
    assert newest.state == "cancelled" and newest.order_progress == 900


def test_an_order_taken_in_during_a_pass_is_reached_by_it_and_reads_stamp_only_changes(
        order_shop, rms_orders, open_orders, one_batch_a_run):
    first = refresh_once(order_shop, rms_orders)
    newest, = rms_orders.create({"orderProgress": 300})
    run(order_shop.account, "orders")
    later = refresh_once(order_shop, rms_orders) + refresh_once(order_shop, rms_orders)
    rest = OPEN + 1 - BATCH  # what the pass had left after the first run, the new order included
    assert newest in later[:rest] and not set(first) & set(later[:rest])  # reached before the pass wraps
    assert set(first) | set(later[:rest]) == set(open_orders) | {newest}
    assert later[rest:] == first[:2 * BATCH - rest]  # then round again from the oldest

    changed = first[2 * BATCH - rest]  # the next run's first order
    before = timezone.now()
    rms_orders.cancel(changed)
    assert refresh_once(order_shop, rms_orders)[0] == changed
    assert Order.objects.get(order_number=changed).refreshed_at >= before  # written: RMS changed it
    assert not Order.objects.filter(refreshed_at__gte=before).exclude(order_number=changed).exists()

    untouched = Order.objects.exclude(order_number=changed).order_by("refreshed_at").first()
    assert fetch_order_by_number(order_shop.account, untouched.order_number).ok  # the manual fetch stamps
    untouched.refresh_from_db()
    assert untouched.refreshed_at >= before


def test_a_run_stops_starting_batches_when_its_time_budget_is_spent(order_shop, rms_orders, open_orders,
                                                                    monkeypatch):
    monkeypatch.setattr(refresh, "TIME_BUDGET_SECONDS", 0.0)
    result = run(order_shop.account, "open-orders")
    assert result.counts["asked"] == BATCH and result.counts["open"] == OPEN  # the first batch always runs
    assert f"未完了受注 {OPEN}件中 {BATCH}件を再取得" in result.summary


def test_the_account_page_shows_the_open_orders_and_the_current_pass(admin_client, order_shop, rms_orders,
                                                                    open_orders):
    from rakuten_link.models import SyncCursor

    page = f"{ACCOUNTS}{order_shop.account.pk}/change/"
    admin_client.cookies["django_language"] = "en"  # the assertions read the English text
    Order.objects.filter(order_number=open_orders[1]).update(order_progress=900)  # final: not counted
    assert f"Open orders: {OPEN - 1}; not refreshed yet" in admin_client.get(page).content.decode()

    run(order_shop.account, "open-orders")
    SyncCursor.objects.filter(kind="open-orders").update(lap_started_at=timezone.now() - timedelta(hours=3))
    text = admin_client.get(page).content.decode()
    assert f"Open orders: {OPEN - 1}; re-read in turn, the current pass began 3\xa0hours ago" in text
    Order.objects.update(order_progress=700)
    assert "No open orders." in admin_client.get(page).content.decode()
