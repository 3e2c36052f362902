"""`rakuten_sync open-orders` is bounded per run and rotates: least recently refreshed first, so none starves."""

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


def test_orders_never_refreshed_go_first_and_every_read_stamps_them(order_shop, rms_orders, open_orders,
                                                                   one_batch_a_run):
    stale = sorted(open_orders)[-3:]
    Order.objects.filter(order_number__in=stale).update(refreshed_at=None)  # stored before refreshed_at existed
    before = timezone.now()
    first = refresh_once(order_shop, rms_orders)
    by_age = Order.objects.filter(order_number__in=stale).order_by("ordered_at", "pk")
    assert first[:3] == list(by_age.values_list("order_number", flat=True))
    refreshed = Order.objects.filter(order_number__in=first)
    assert refreshed.count() == BATCH and not refreshed.filter(refreshed_at__lt=before).exists()
    assert not Order.objects.filter(refreshed_at__isnull=True).exists()

    untouched = Order.objects.exclude(order_number__in=first).order_by("refreshed_at").first()
    assert fetch_order_by_number(order_shop.account, untouched.order_number).ok  # the manual fetch stamps too
    untouched.refresh_from_db()
    assert untouched.refreshed_at >= before


def test_a_run_stops_starting_batches_when_its_time_budget_is_spent(order_shop, rms_orders, open_orders,
                                                                    monkeypatch):
    monkeypatch.setattr(refresh, "TIME_BUDGET_SECONDS", 0.0)
    result = run(order_shop.account, "open-orders")
    assert result.counts["asked"] == BATCH and result.counts["open"] == OPEN  # the first batch always runs
    assert f"未完了受注 {OPEN}件中 {BATCH}件を再取得" in result.summary


def test_the_account_page_shows_the_open_orders_and_the_oldest_refresh(admin_client, order_shop, rms_orders,
                                                                       open_orders):
    page = f"{ACCOUNTS}{order_shop.account.pk}/change/"
    admin_client.cookies["django_language"] = "en"  # the assertions read the English text
    Order.objects.filter(account=order_shop.account).update(refreshed_at=timezone.now() - timedelta(minutes=5))
    Order.objects.filter(order_number=open_orders[0]).update(refreshed_at=timezone.now() - timedelta(hours=3))
    Order.objects.filter(order_number=open_orders[1]).update(order_progress=900, refreshed_at=timezone.now()
                                                             - timedelta(days=9))  # final: not counted
    text = admin_client.get(page).content.decode()
    assert f"Open orders: {OPEN - 1}; oldest refresh: 3\xa0hours ago" in text

    Order.objects.filter(order_number=open_orders[2]).update(refreshed_at=None)
    assert f"Open orders: {OPEN - 1}; not refreshed yet: 1" in admin_client.get(page).content.decode()
    Order.objects.update(order_progress=700)
    assert "No open orders." in admin_client.get(page).content.decode()
