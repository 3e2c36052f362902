"""`rakuten_sync messages` against a real local SMTP relay that requires AUTH."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from orders import outbox
from orders.models import BuyerMessage, MessageEvent, MessageStatus, Order
from rakuten_link.rms.dates import format_order_datetime
from tests.support.smtp import LOGIN

from .conftest import BUYER, age_sending_rows, fetch, new_order, send


def test_a_new_order_is_mailed_once_through_the_relay(mailing_account, rms_orders, smtp_relay):
    number = new_order(rms_orders)
    fetch(mailing_account)
    run = send(mailing_account)
    assert run.status == "success", run.error
    received, = smtp_relay.received
    assert received["From"] == "shop@example.com" and received["To"] == BUYER
    assert received.envelope_to == [BUYER] and smtp_relay.logins == [LOGIN]
    assert str(received["Subject"]) == f"【{mailing_account.name}】ご注文ありがとうございます（{number}）"
    message = BuyerMessage.objects.get()
    assert (message.status, message.attempts, message.event) == (MessageStatus.SENT, 1, MessageEvent.NEW_ORDER)
    assert message.sent_at is not None
    # exactly once: a re-fetch queues nothing new, a second run delivers nothing more
    Order.objects.update(content_hash="stale")
    fetch(mailing_account)
    send(mailing_account)
    assert BuyerMessage.objects.count() == 1 and len(smtp_relay.received) == 1


def test_a_backfilled_old_order_and_one_first_seen_shipped_get_no_message(mailing_account, rms_orders, smtp_relay):
    new_order(rms_orders, orderDatetime=format_order_datetime(timezone.now() - timedelta(hours=30)))
    shipped = new_order(rms_orders)
    rms_orders.progress(shipped, 500)
    fetch(mailing_account)
    assert Order.objects.count() == 2
    assert not BuyerMessage.objects.exists()


def test_a_refused_login_keeps_messages_queued_pauses_and_alerts_once(mailing_account, rms_orders, smtp_relay):
    mailing_account.smtp_password = "wrong"
    mailing_account.save()
    new_order(rms_orders)
    fetch(mailing_account)
    mail.outbox.clear()
    run = send(mailing_account)
    assert run.status == "failed" and "535" in run.error
    assert BuyerMessage.objects.get().status == MessageStatus.QUEUED
    mailing_account.refresh_from_db()
    assert mailing_account.messages_paused
    send(mailing_account)  # paused: no second login, no second alert
    assert smtp_relay.logins == [LOGIN] and len(mail.outbox) == 1
    queued = f"/admin/orders/buyermessage/?order__account__id__exact={mailing_account.pk}&status__exact=queued"
    assert mail.outbox[0].body.rstrip().endswith(queued)


def test_a_message_refused_after_data_fails_with_the_relays_reply_and_the_others_go(mailing_account, rms_orders,
                                                                                     smtp_relay):
    """554 after DATA: the relay refused that message for good (nothing delivered), not an unknown outcome."""
    refused_to, reply = "spam@pc.fw.rakuten.ne.jp", "554 5.7.1 Message rejected as spam"
    smtp_relay.data_refusals[refused_to] = reply
    earlier = format_order_datetime(timezone.now() - timedelta(hours=1))
    new_order(rms_orders, OrdererModel={"emailAddress": refused_to}, orderDatetime=earlier)
    new_order(rms_orders)
    fetch(mailing_account)
    mail.outbox.clear()
    run = send(mailing_account)

    refused = BuyerMessage.objects.get(recipient=refused_to)
    assert refused.status == MessageStatus.FAILED and reply in refused.last_error
    assert BuyerMessage.objects.get(recipient=BUYER).status == MessageStatus.SENT
    assert [m["To"] for m in smtp_relay.received] == [BUYER]
    assert (run.counts["sent"], run.counts["failed"], run.counts["unknown"]) == (1, 1, 0)
    assert run.status == "failed" and "1" in run.error
    (alert,) = mail.outbox
    assert reply in alert.body and "status__exact=failed" in alert.body
    send(mailing_account)  # failed stays failed until staff resend it
    assert len(smtp_relay.received) == 1 and BuyerMessage.objects.get(recipient=refused_to).attempts == 1


def test_saving_the_smtp_password_again_resumes_messages(mailing_account):
    from accounts.forms import EcAccountForm
    from accounts.services import pause_messages

    pause_messages(mailing_account, "535")
    data = {name: getattr(mailing_account, name) for name in ("name", "shop_url", "smtp_id", "smtp_from_address",
                                                              "tax_rounding", "safety_stock", "follow_up_days")}
    form = EcAccountForm(data={**data, "smtp_password": "new-password"}, instance=mailing_account)
    assert form.is_valid(), form.errors
    form.save()
    mailing_account.refresh_from_db()
    assert not mailing_account.messages_paused


@pytest.mark.parametrize("change", ["same password typed again", "only the SMTP AUTH ID fixed", "nothing"])
def test_the_pause_lifts_when_the_login_is_typed_again_and_not_otherwise(mailing_account, change):
    from accounts.forms import EcAccountForm
    from accounts.services import pause_messages

    password = str(mailing_account.smtp_password)
    pause_messages(mailing_account, "535")
    data = {name: getattr(mailing_account, name) for name in ("name", "shop_url", "smtp_id", "smtp_from_address",
                                                              "tax_rounding", "safety_stock", "follow_up_days")}
    if change == "same password typed again":
        data["smtp_password"] = password
    elif change == "only the SMTP AUTH ID fixed":
        data["smtp_id"] = "fixed-id"
    form = EcAccountForm(data=data, instance=mailing_account)
    assert form.is_valid(), form.errors
    form.save()
    mailing_account.refresh_from_db()
    assert mailing_account.messages_paused is (change == "nothing")


def test_a_refused_sender_fails_the_message_with_what_to_do(mailing_account, rms_orders, smtp_relay):
    mailing_account.smtp_from_address = "other@example.com"
    mailing_account.save()
    new_order(rms_orders)
    fetch(mailing_account)
    mail.outbox.clear()
    run = send(mailing_account)
    message = BuyerMessage.objects.get()
    assert run.status == "failed" and message.status == MessageStatus.FAILED
    assert "552" in message.last_error and "RMSに登録済み" in message.last_error
    assert len(mail.outbox) == 1 and not smtp_relay.received


def test_a_message_left_sending_by_a_dead_worker_becomes_unknown_and_is_not_resent(
        mailing_account, rms_orders, smtp_relay):
    new_order(rms_orders)
    fetch(mailing_account)
    message = BuyerMessage.objects.get()
    assert outbox.mark_sending(message)  # the worker died after this commit, maybe after the relay took it
    send(mailing_account)
    message.refresh_from_db()
    assert message.status == MessageStatus.SENDING  # it may be another worker's send in flight: left alone
    age_sending_rows()
    send(mailing_account)
    message.refresh_from_db()
    assert message.status == MessageStatus.UNKNOWN and not smtp_relay.received
    send(mailing_account)
    assert not smtp_relay.received
    assert outbox.resend(message)  # staff decide
    send(mailing_account)
    assert len(smtp_relay.received) == 1


def test_held_messages_wait_for_approval(mailing_account, rms_orders, smtp_relay):
    mailing_account.hold_messages = True
    mailing_account.save()
    new_order(rms_orders)
    fetch(mailing_account)
    message = BuyerMessage.objects.get()
    assert message.status == MessageStatus.HELD
    send(mailing_account)
    assert not smtp_relay.received
    assert outbox.approve(message)
    send(mailing_account)
    assert len(smtp_relay.received) == 1
