"""Every move of an order leaves a timeline row, in the transaction that makes it, naming who made it."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import transaction

from orders import outbox, timeline
from orders.models import EventKind, MailTemplate, MessageEvent, Order, OrderEvent, Shipment
from orders.services import OrderStateError, allocate_order, cancel_order, mark_checked, ship_package
from orders.shipping import Outcome, change_shipment, settle_report, ship_order
from orders.signals import order_events

DAY = date(2026, 12, 1)


@pytest.fixture
def shop(make_account, make_store, make_sku, set_stock):
    store = make_store("S1")
    account = make_account(stores=[store])
    sku = make_sku("TEE-M")
    set_stock(store, sku, 2)
    return account, store, sku


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user("tanaka", password="x", is_staff=True)


def steps(order) -> list[tuple[str, str, str]]:
    """(kind, user, job), oldest first."""
    return [(e.kind, e.user.username if e.user else "", e.job)
            for e in OrderEvent.objects.filter(order=order).order_by("at", "id")]


def test_allocation_short_stock_and_its_clearing_are_steps_by_their_actor(shop, make_order, staff, set_stock):
    account, store, sku = shop
    order = make_order(account, [(sku, 3)])
    with timeline.acting(job="orders"):
        order = allocate_order(order)
    assert steps(order) == [("attention_raised", "", "orders")]
    assert OrderEvent.objects.get(order=order).data == {"reasons": ["short_stock"]}
    set_stock(store, sku, 5)
    allocate_order(order, user=staff)
    assert steps(order)[1:] == [("attention_cleared", "tanaka", ""), ("allocated", "tanaka", "")]
    allocate_order(order, user=staff)  # nothing moved: no row
    assert len(steps(order)) == 3


def test_marking_checked_and_cancelling_name_the_staff_member(shop, make_order, staff):
    account, _store, sku = shop
    order = allocate_order(make_order(account, [(sku, 1)]))
    Order.objects.filter(pk=order.pk).update(attention_reasons=["order_changed"], state="needs_attention")
    mark_checked(order, user=staff)
    order = Order.objects.get(pk=order.pk)
    cancel_order(order, list(order.lines.all()), user=staff, message="1 購入者都合")
    kinds = steps(order)
    assert kinds[-3:] == [("attention_cleared", "tanaka", ""), ("allocated", "tanaka", ""),
                          ("cancelled", "tanaka", "")]
    assert OrderEvent.objects.get(order=order, kind="cancelled").message == "1 購入者都合"


def test_a_shipment_is_recorded_corrected_and_reported_on_the_timeline(shop, make_order, staff):
    account, store, sku = shop
    order = allocate_order(make_order(account, [(sku, 1)]))
    shipment = ship_order(order, delivery_company="1001", tracking_number="1234", shipped_on=DAY, store=store,
                          user=staff)
    change_shipment(shipment, tracking_number="5678", user=staff)
    settle_report([(Shipment.objects.get(pk=shipment.pk), Outcome.reported("9001"))])
    settle_report([(Shipment.objects.get(pk=shipment.pk), Outcome.refused("E02-0001 bad number"))])
    assert [k for k, _u, _j in steps(order)[1:]] == ["shipment_recorded", "shipped", "shipment_corrected",
                                                     "shipment_reported", "shipment_refused"]
    reported = OrderEvent.objects.get(order=order, kind="shipment_reported")
    assert reported.data["external_id"] == "9001" and reported.data["tracking"] == "5678"
    assert OrderEvent.objects.get(order=order, kind="shipment_refused").message == "E02-0001 bad number"
    assert OrderEvent.objects.get(order=order, kind="shipment_recorded").user == staff


def test_a_cancelled_order_cannot_be_shipped(shop, make_order):
    account, _store, sku = shop
    order = allocate_order(make_order(account, [(sku, 1)]))
    cancel_order(order, list(order.lines.all()))
    order = Order.objects.get(pk=order.pk)
    with pytest.raises(OrderStateError):
        ship_package(order, [], [], store=None, complete=True)
    assert Order.objects.get(pk=order.pk).state == "cancelled"


def test_buyer_messages_queued_sent_and_failed_are_steps(shop, make_order):
    account, _store, sku = shop
    template = MailTemplate.objects.create(name="t", subject="ご注文 {order_number}", body="本文")
    account.template_new_order = account.template_shipped = template
    account.save()
    order = make_order(account, [(sku, 1)], buyer_email="a@example.jp")
    first = outbox.queue(Order.objects.select_related("account").get(pk=order.pk), MessageEvent.NEW_ORDER)
    outbox.mark_sending(first)
    outbox.mark_sent(first)
    second = outbox.queue(Order.objects.select_related("account").get(pk=order.pk), MessageEvent.SHIPPED)
    outbox.mark_sending(second)
    outbox.mark_failed(second, "552 too big")
    assert [k for k, _u, _j in steps(order)] == ["message_queued", "message_sent", "message_queued",
                                                 "message_failed"]
    assert OrderEvent.objects.get(order=order, kind="message_failed").message == "552 too big"
    outbox.mark_sent(first)  # not sending any more: nothing moves, no row
    assert OrderEvent.objects.filter(order=order, kind="message_sent").count() == 1



def test_staff_moves_of_a_buyer_message_name_them(shop, make_order, staff):
    account, _store, sku = shop
    account.template_new_order = MailTemplate.objects.create(name="t", subject="件名", body="本文")
    account.save()
    order = make_order(account, [(sku, 1)], buyer_email="a@example.jp")
    message = outbox.queue(Order.objects.select_related("account").get(pk=order.pk), MessageEvent.NEW_ORDER)
    outbox.mark_sending(message)
    outbox.mark_failed(message, "552")
    assert outbox.resend(message, user=staff)
    outbox.mark_sending(message)
    outbox.mark_unknown(message)
    assert outbox.mark_sent_by_hand(message, user=staff)
    assert steps(order)[-2:] == [("message_queued", "tanaka", ""), ("message_sent", "tanaka", "")]


@pytest.mark.django_db(transaction=True)
def test_rows_roll_back_with_the_move_and_the_signal_waits_for_the_commit(shop, make_order):
    account, _store, sku = shop
    order = make_order(account, [(sku, 1)])
    heard = []

    def listen(sender, events, **kwargs):
        heard.extend(events)

    order_events.connect(listen)
    try:
        with pytest.raises(RuntimeError), transaction.atomic():
            allocate_order(order)
            assert OrderEvent.objects.filter(order=order).exists() and heard == []
            raise RuntimeError
        assert not OrderEvent.objects.exists() and heard == []
        allocate_order(order)
        assert heard == [(order.pk, EventKind.ALLOCATED)]
    finally:
        order_events.disconnect(listen)
