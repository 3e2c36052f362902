"""Each buyer message goes out at most once: two workers, a re-queue, a worker that dies after the relay took it."""

import threading
from datetime import timedelta

import pytest
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.utils import timezone

from orders import outbox
from orders.models import BuyerMessage, MailTemplate, MessageEvent, MessageStatus, Order, ReportState, Shipment
from rakuten_link.sync.jobs import run_account_job
from rakuten_link.sync.messages import send as send_module
from rakuten_link.sync.messages.send import send_messages

from .conftest import age_sending_rows, fetch, new_order, send


def test_the_unique_pair_and_queue_never_make_a_second_message(mailing_account, rms_orders):
    new_order(rms_orders)
    fetch(mailing_account)
    message = BuyerMessage.objects.get()
    assert outbox.queue(message.order, MessageEvent.NEW_ORDER) == message
    with pytest.raises(IntegrityError), transaction.atomic():
        BuyerMessage.objects.create(order=message.order, event=MessageEvent.NEW_ORDER, subject="s", body="b",
                                    recipient="x@pc.fw.rakuten.ne.jp")
    assert outbox.mark_sending(message) and not outbox.mark_sending(message)  # the claim is taken once


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_deliver_each_message_once(mailing_account, rms_orders, smtp_relay):
    """Two through the runner (the lease lets one run) and two calling the job directly (no lease at all)."""
    for _ in range(5):
        new_order(rms_orders)
    fetch(mailing_account)
    assert BuyerMessage.objects.count() == 5
    errors = []
    barrier = threading.Barrier(2)

    def worker(direct: bool):
        barrier.wait()
        try:
            if direct:
                send_messages(account=mailing_account)
            else:
                run_account_job(mailing_account, "messages")
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    for direct in (False, True):
        BuyerMessage.objects.filter(status=MessageStatus.SENT).update(status=MessageStatus.QUEUED)
        smtp_relay.received.clear()
        threads = [threading.Thread(target=worker, args=(direct,)) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert errors == []
        assert sorted(m["To"] for m in smtp_relay.received) == sorted(BuyerMessage.objects.values_list(
            "recipient", flat=True))
        assert len(smtp_relay.received) == 5
        assert set(BuyerMessage.objects.values_list("status", flat=True)) == {MessageStatus.SENT}


class WorkerDied(BaseException):
    """Stands for the process being killed: not an Exception, so nothing on the way catches it."""


def test_a_worker_killed_after_the_relay_accepted_leaves_unknown_and_nothing_is_resent(
        mailing_account, rms_orders, smtp_relay, monkeypatch):
    new_order(rms_orders)
    fetch(mailing_account)

    def die(message):
        raise WorkerDied

    monkeypatch.setattr(send_module.outbox, "mark_sent", die)
    with pytest.raises(WorkerDied):
        send(mailing_account)
    monkeypatch.undo()
    message = BuyerMessage.objects.get()
    assert message.status == MessageStatus.SENDING and len(smtp_relay.received) == 1
    age_sending_rows()
    send(mailing_account)
    message.refresh_from_db()
    assert message.status == MessageStatus.UNKNOWN and len(smtp_relay.received) == 1
    send(mailing_account)
    assert len(smtp_relay.received) == 1  # never re-sent without a person: resend or mark sent
    assert outbox.mark_sent_by_hand(message) and message.status == MessageStatus.SENT


def test_an_order_cancelled_in_rms_after_we_fetched_it_gets_one_cancellation_message(mailing_account, rms_orders,
                                                                                   smtp_relay):
    mailing_account.template_cancelled = MailTemplate.objects.create(
        name="キャンセル", subject="ご注文キャンセル（{注文番号}）", body="{購入者名} 様")
    mailing_account.save()
    number = new_order(rms_orders)
    first_seen_cancelled = new_order(rms_orders)
    rms_orders.progress(first_seen_cancelled, 900)
    fetch(mailing_account)
    rms_orders.cancel(number)
    for _ in range(2):
        assert run_account_job(mailing_account, "open-orders").status == "success"
    assert Order.objects.get(order_number=number).state == "cancelled"
    cancelled = BuyerMessage.objects.get(event=MessageEvent.CANCELLED)
    assert cancelled.order.order_number == number and cancelled.subject == f"ご注文キャンセル（{number}）"
    send(mailing_account)
    # The order-received message was still queued: withdrawn with the cancellation, only that one goes out.
    assert [str(m["Subject"]).startswith("ご注文キャンセル") for m in smtp_relay.received] == [True]


def test_the_follow_up_is_queued_n_days_after_the_report_and_sent(mailing_account, rms_orders, smtp_relay):
    mailing_account.template_follow_up = MailTemplate.objects.create(
        name="フォロー", subject="商品は届きましたか（{注文番号}）", body="{購入者名} 様")
    mailing_account.follow_up_days = 5
    mailing_account.save()
    for _ in range(3):
        new_order(rms_orders)
    fetch(mailing_account)
    due, early, ancient = Order.objects.order_by("pk")
    now = timezone.now()
    for order, days in ((due, 5.2), (early, 4), (ancient, 40)):
        package = order.packages.get()
        Shipment.objects.create(order=order, package=package, delivery_company="1001", tracking_number="1",
                                shipped_on=now.date(), report_state=ReportState.REPORTED,
                                reported_at=now - timedelta(days=days))
    Order.objects.update(state="shipped")
    run = send(mailing_account)
    assert run.status == "success", run.error
    follow_up = BuyerMessage.objects.get(event=MessageEvent.FOLLOW_UP)
    assert follow_up.order == due and follow_up.status == MessageStatus.SENT
    assert f"商品は届きましたか（{due.order_number}）" in [str(m["Subject"]) for m in smtp_relay.received]
    send(mailing_account)
    assert BuyerMessage.objects.filter(event=MessageEvent.FOLLOW_UP).count() == 1
