"""A relay that cannot be reached alerts within five minutes, not after the thirty of a slow queue."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail

from orders.models import BuyerMessage
from rakuten_link.models import AlertLog
from rakuten_link.sync.jobs import run_account_job
from rakuten_link.tasks import check_for_silence
from tests.support.clock import Clock
from tests.support.rms_stub import closed_port


@pytest.fixture
def mailing_shop(clock, make_account, make_store, make_order, settings):
    settings.RAKUTEN_SMTP_HOST, settings.RAKUTEN_SMTP_PORT = "127.0.0.1", closed_port()
    settings.RAKUTEN_SMTP_STARTTLS = False
    account = make_account("楽天リレー店", stores=[make_store()], smtp_id="id", smtp_password="pw",
                           smtp_from_address="shop@example.com")
    BuyerMessage.objects.create(order=make_order(account), event="new_order", subject="s", body="b",
                                recipient="buyer@example.com")
    return account


def minute(account, clock: Clock) -> None:
    """One minute of the schedules: the messages job, then the silence check."""
    clock.now += timedelta(minutes=1)
    run = run_account_job(account, "messages")
    assert run.status == "failed" and "Connection refused" in run.error
    check_for_silence()


def test_an_unreachable_relay_alerts_within_five_minutes_and_names_the_error(mailing_shop, clock):
    for _ in range(4):
        minute(mailing_shop, clock)
    assert mail.outbox == []  # a blip of a few minutes is not worth a mail
    minute(mailing_shop, clock)
    assert len(mail.outbox) == 1 and AlertLog.objects.filter(kind="silent_messages").count() == 1
    assert "Connection refused" in mail.outbox[0].body  # what the run ran into, for whoever reads it
    assert "/admin/orders/buyermessage/" in mail.outbox[0].body
    minute(mailing_shop, clock)
    assert len(mail.outbox) == 1  # throttled while it lasts


def test_failures_broken_by_a_success_start_the_five_minutes_again(mailing_shop, clock):
    from rakuten_link.models import SyncRun

    for status in ("failed",) * 3 + ("success",) + ("failed",) * 3:
        clock.now += timedelta(minutes=1)
        SyncRun.objects.create(account=mailing_shop, kind="messages", status=status, finished_at=clock.now,
                               error="" if status == "success" else "The relay could not be reached: refused")
        check_for_silence()
    assert mail.outbox == []  # seven minutes, but never five in a row without a success


def test_a_paused_account_gets_no_relay_alert_it_has_its_own(mailing_shop, clock):
    from accounts.services import pause_messages

    pause_messages(mailing_shop, "refused")
    for _ in range(10):
        clock.now += timedelta(minutes=1)
        run_account_job(mailing_shop, "messages")
        check_for_silence()
    assert mail.outbox == []
