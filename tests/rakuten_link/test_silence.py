"""Silence alerts on a frozen clock: one alert when something stops, none while it stays stopped (the
throttle), one "resolved" mail when it works again — and the minute schedule that runs the check."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.management import call_command
from django_q.models import Schedule

from accounts.services import pause_jobs, resume_jobs
from orders.models import BuyerMessage
from rakuten_link.alerts import AlertKind
from rakuten_link.alerts.silence import ORDER_SILENCE, STOCK_SILENCE
from rakuten_link.models import AlertLog, OpenAlert, PendingInventoryPush, SyncRun
from rakuten_link.tasks import check_for_silence
from tests.support.clock import Clock


@pytest.fixture
def shop(clock, make_account, make_store):
    return make_account("楽天サイレンス店", stores=[make_store()])


def fetched(account, clock: Clock) -> SyncRun:
    return SyncRun.objects.create(account=account, kind="orders", status="success", finished_at=clock.now)


def test_no_order_fetch_for_ten_minutes_alerts_once_then_resolves_once(shop, clock):
    fetched(shop, clock)
    clock.advance(minutes=9)
    assert check_for_silence() == "silence check: 0 alert(s) sent, 0 resolved"
    clock.advance(minutes=2)  # 11 minutes without a successful fetch
    check_for_silence()
    assert len(mail.outbox) == 1 and "11" in mail.outbox[0].subject
    assert "/admin/rakuten_link/syncrun/" in mail.outbox[0].body
    assert OpenAlert.objects.filter(account=shop, kind=AlertKind.SILENT_ORDERS).exists()
    for _minute in range(5):  # still silent: the throttle holds the next mail back
        clock.advance(minutes=1)
        check_for_silence()
    assert len(mail.outbox) == 1
    SyncRun.objects.create(account=shop, kind="orders", status="failed", finished_at=clock.now)
    check_for_silence()
    assert len(mail.outbox) == 1  # a failed run is no recovery
    clock.advance(minutes=1)
    fetched(shop, clock)
    assert check_for_silence() == "silence check: 0 alert(s) sent, 1 resolved"
    clock.advance(minutes=1)
    check_for_silence()
    assert len(mail.outbox) == 2 and not OpenAlert.objects.exists()
    assert AlertLog.objects.filter(kind="silent_orders_resolved").count() == 1


def test_silence_after_a_recovery_alerts_again_at_once(shop, clock):
    fetched(shop, clock)
    clock.advance(minutes=11)
    check_for_silence()
    fetched(shop, clock)
    check_for_silence()
    clock.advance(minutes=11)  # well inside the hour of the first alert
    check_for_silence()
    assert len(mail.outbox) == 3 and AlertLog.objects.filter(kind=AlertKind.SILENT_ORDERS).count() == 2


def test_an_account_that_never_fetched_is_silent_ten_minutes_after_it_was_set_up(shop, clock):
    clock.advance(minutes=9)
    check_for_silence()
    assert mail.outbox == []
    clock.advance(minutes=2)
    check_for_silence()
    assert len(mail.outbox) == 1


def test_paused_switched_off_and_just_changed_accounts_are_not_silent(clock, make_account):
    paused = make_account()
    pause_jobs(paused, "fixing mappings")  # a paused account has had its own alert
    make_account(job_fetch_orders=False, job_push_inventory=False)
    changed = make_account()
    fetched(changed, clock)
    clock.advance(minutes=30)
    resume_jobs(changed)  # saved just now (a switch turned on, jobs resumed): it gets a fresh 10 minutes
    clock.advance(minutes=1)
    check_for_silence()
    assert mail.outbox == []
    clock.advance(minutes=10)
    check_for_silence()
    assert len(mail.outbox) == 1 and changed.name in mail.outbox[0].subject


def test_stock_changes_waiting_over_five_minutes_alert_once_then_resolve_once(shop, clock, make_sku):
    fetched(shop, clock)
    skus = [make_sku(), make_sku()]
    PendingInventoryPush.objects.bulk_create([PendingInventoryPush(account=shop, sku=sku) for sku in skus])
    clock.advance(minutes=4)
    fetched(shop, clock)
    check_for_silence()
    assert mail.outbox == []
    clock.advance(minutes=2)
    fetched(shop, clock)
    check_for_silence()
    assert len(mail.outbox) == 1 and "6" in mail.outbox[0].subject and "2" in mail.outbox[0].body
    clock.advance(minutes=1)
    fetched(shop, clock)
    check_for_silence()
    assert len(mail.outbox) == 1
    PendingInventoryPush.objects.all().delete()  # a push got through
    check_for_silence()
    check_for_silence()
    assert len(mail.outbox) == 2 and "/admin/rakuten_link/syncrun/" in mail.outbox[1].body
    assert AlertLog.objects.filter(kind="silent_stock_resolved").count() == 1


def test_a_recent_stock_change_is_no_silence(shop, clock, make_sku):
    fetched(shop, clock)
    clock.advance(minutes=20)
    fetched(shop, clock)
    PendingInventoryPush.objects.create(account=shop, sku=make_sku())
    clock.advance(seconds=STOCK_SILENCE.total_seconds() - 1)
    check_for_silence()
    assert mail.outbox == [] and ORDER_SILENCE > STOCK_SILENCE


def test_buyer_messages_queued_over_thirty_minutes_alert_once_then_resolve_once(shop, clock, make_order):
    order = make_order(shop)
    queued = BuyerMessage.objects.create(order=order, event="new_order", subject="s", body="b",
                                         recipient="buyer@example.com")
    BuyerMessage.objects.create(order=order, event="cancelled", status="held", subject="s", body="b",
                                recipient="buyer@example.com")  # held: waits for staff, never an alert
    def minute(**delta):
        clock.advance(**delta)
        fetched(shop, clock)
        check_for_silence()

    minute(minutes=29)
    assert mail.outbox == []
    minute(minutes=2)
    assert len(mail.outbox) == 1 and "31" in mail.outbox[0].subject and "1" in mail.outbox[0].body
    assert "/admin/orders/buyermessage/" in mail.outbox[0].body and "status__exact=queued" in mail.outbox[0].body
    minute(minutes=1)
    assert len(mail.outbox) == 1  # throttled while it lasts
    BuyerMessage.objects.filter(pk=queued.pk).update(status="sent")
    minute(seconds=10)
    minute(seconds=10)
    assert len(mail.outbox) == 2 and AlertLog.objects.filter(kind="silent_messages_resolved").count() == 1


def test_the_check_runs_every_minute_from_its_schedule(db):
    call_command("setup_schedules")
    schedule = Schedule.objects.get(name="rakuten: check for silence")
    assert (schedule.func, schedule.schedule_type, schedule.minutes) == (
        "rakuten_link.tasks.check_for_silence", Schedule.MINUTES, 1)
