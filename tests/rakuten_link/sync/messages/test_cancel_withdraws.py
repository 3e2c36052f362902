"""A cancelled order's unsent buyer messages are withdrawn, from RMS (the refresh) or from the order page."""

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation

from orders import outbox
from orders.models import BuyerMessage, EventKind, MailTemplate, MessageEvent, MessageStatus, Order, OrderEvent
from rakuten_link.shipping.actions import cancel_order_in_rms
from rakuten_link.sync.jobs import run_account_job

from .conftest import fetch, new_order, send

WITHDRAWN = "注文がキャンセルされたため送信を取り消しました"


@pytest.fixture
def cancelling_account(mailing_account):
    mailing_account.template_cancelled = MailTemplate.objects.create(
        name="キャンセル", subject="ご注文キャンセル（{注文番号}）", body="{購入者名} 様")
    mailing_account.hold_messages = True
    mailing_account.save()
    return mailing_account


def message(number: str, event: str) -> BuyerMessage:
    return BuyerMessage.objects.get(order__order_number=number, event=event)


def test_a_cancellation_in_rms_withdraws_the_held_and_queued_messages(cancelling_account, rms_orders, smtp_relay):
    held, approved, kept = new_order(rms_orders), new_order(rms_orders), new_order(rms_orders)
    fetch(cancelling_account)
    assert outbox.approve(message(approved, MessageEvent.NEW_ORDER))  # queued: would go out at the next run
    rms_orders.cancel(held)
    rms_orders.cancel(approved)
    with translation.override("ja"):
        assert run_account_job(cancelling_account, "open-orders").status == "success"

    for number in (held, approved):
        withdrawn = message(number, MessageEvent.NEW_ORDER)
        assert (withdrawn.status, withdrawn.last_error) == (MessageStatus.FAILED, WITHDRAWN)
        assert message(number, MessageEvent.CANCELLED).status == MessageStatus.HELD  # still for staff to approve
        step = OrderEvent.objects.get(order__order_number=number, kind=EventKind.MESSAGE_FAILED)
        assert (step.message, step.job, step.data["event"]) == (WITHDRAWN, "open-orders", MessageEvent.NEW_ORDER)
    assert message(kept, MessageEvent.NEW_ORDER).status == MessageStatus.HELD  # not cancelled: untouched
    send(cancelling_account)
    assert smtp_relay.received == []


def test_a_sent_message_stays_sent_when_the_order_is_cancelled_later(cancelling_account, rms_orders, smtp_relay):
    number = new_order(rms_orders)
    fetch(cancelling_account)
    assert outbox.approve(message(number, MessageEvent.NEW_ORDER))
    send(cancelling_account)
    rms_orders.cancel(number)
    assert run_account_job(cancelling_account, "open-orders").status == "success"
    assert message(number, MessageEvent.NEW_ORDER).status == MessageStatus.SENT


def test_a_cancellation_from_the_order_page_withdraws_the_new_order_message(cancelling_account, rms_orders):
    number = new_order(rms_orders)
    fetch(cancelling_account)
    staff = get_user_model().objects.create_user("clerk", "clerk@example.com", "pw", is_staff=True)
    with translation.override("ja"):
        assert cancel_order_in_rms(Order.objects.get(order_number=number), 8, staff).ok

    withdrawn = message(number, MessageEvent.NEW_ORDER)
    assert (withdrawn.status, withdrawn.last_error) == (MessageStatus.FAILED, WITHDRAWN)
    assert message(number, MessageEvent.CANCELLED).status == MessageStatus.HELD
