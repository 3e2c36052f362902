"""Queueing the order-received messages of a fetched batch costs a few queries per batch, not per order."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from orders.models import BuyerMessage, EventKind, MessageEvent, MessageStatus, OrderEvent

from .conftest import BUYER, fetch

ORDERS = 20


def _fetch_counting(account) -> int:
    with CaptureQueriesContext(connection) as queries:
        fetch(account)
    return len(queries.captured_queries)


def test_a_batch_of_new_orders_with_messages_on_costs_at_most_a_quarter_query_per_order(mailing_account, rms_orders):
    """The run's own overhead is measured with one order; twenty more may add at most 0.25 queries each."""
    rms_orders.create({"OrdererModel": {"emailAddress": BUYER}})
    one = _fetch_counting(mailing_account)
    rms_orders.create(*({"OrdererModel": {"emailAddress": BUYER}} for _ in range(ORDERS + 1)))
    many = _fetch_counting(mailing_account)
    assert BuyerMessage.objects.filter(event=MessageEvent.NEW_ORDER).count() == ORDERS + 2
    assert many - one <= 0.25 * ORDERS, (one, many)


def test_each_new_order_gets_one_rendered_message_and_one_timeline_step(mailing_account, rms_orders):
    numbers = rms_orders.create(*({"OrdererModel": {"emailAddress": BUYER}} for _ in range(3)))
    fetch(mailing_account)
    fetch(mailing_account)  # a second run finds the same orders and queues nothing more
    messages = {m.order.order_number: m for m in BuyerMessage.objects.select_related("order")}
    assert sorted(messages) == sorted(numbers)
    for number, message in messages.items():
        assert message.status == MessageStatus.QUEUED and message.recipient == BUYER
        assert number in message.subject and "合計" in message.body and "×" in message.body
    steps = OrderEvent.objects.filter(kind=EventKind.MESSAGE_QUEUED)
    assert sorted(steps.values_list("order__order_number", flat=True)) == sorted(numbers)
    assert {tuple(sorted(s.data.items())) for s in steps} == {(("event", "new_order"), ("status", "queued"))}


def test_held_messages_are_queued_held_in_bulk_too(mailing_account, rms_orders):
    mailing_account.hold_messages = True
    mailing_account.save()
    rms_orders.create(*({"OrdererModel": {"emailAddress": BUYER}} for _ in range(2)),
                      {"OrdererModel": {"emailAddress": ""}})
    fetch(mailing_account)
    assert list(BuyerMessage.objects.values_list("status", flat=True)) == [MessageStatus.HELD] * 2
    steps = OrderEvent.objects.filter(kind=EventKind.MESSAGE_QUEUED).values_list("data", flat=True)
    assert list(steps) == [{"event": "new_order", "status": "held"}] * 2
