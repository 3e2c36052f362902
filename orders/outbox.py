"""The outbox: the only writer of ``BuyerMessage.status``.

A message is rendered when queued (what staff approve is what goes out) and exists at most once per order
and event (a unique constraint; ``queue_many`` inserts a batch ignoring conflicts on it, so a re-fetch or a
second worker finds the first row). The sender marks a row ``sending`` in its own commit before talking to the
relay: a row still ``sending`` at the next run died mid-call, may have been delivered, and becomes ``unknown`` —
only a person resends it or marks it sent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.db import transaction
from django.db.models import F, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from lib.fastwrite import insert_rows

from . import timeline
from .messages import order_values, render
from .models import BuyerMessage, EventKind, MailTemplate, MessageEvent, MessageStatus, Order, OrderLine

TEMPLATE_FIELDS = {
    MessageEvent.NEW_ORDER: "template_new_order",
    MessageEvent.SHIPPED: "template_shipped",
    MessageEvent.CANCELLED: "template_cancelled",
    MessageEvent.FOLLOW_UP: "template_follow_up",
}
ERROR_LENGTH = 2000
UNSENT = (MessageStatus.HELD, MessageStatus.QUEUED)


def template_for(account, event: str) -> MailTemplate | None:
    """The template the account sends for ``event``, or None (blank = that message is not sent)."""
    return getattr(account, TEMPLATE_FIELDS[MessageEvent(event)])


def queue(order: Order, event: str, *, values: dict[str, str] | None = None) -> BuyerMessage | None:
    """Queue (or find) the message of ``order`` for ``event``; None when the account sends none for it.

    ``values`` overrides placeholder values the orders app cannot know (the carrier's name).
    """
    if template_for(order.account, event) is None or not order.buyer_email:
        return None
    queue_many([order], event, values={order.pk: values} if values else None)
    return BuyerMessage.objects.get(order=order, event=event)


def queue_many(orders: Sequence[Order], event: str, *, values: Mapping[int, dict[str, str]] | None = None) -> int:
    """Queue the messages of ``orders`` (one account) for ``event`` in a few queries, whatever their number.

    At most one per order and event: the orders are locked first, so the rows already there (or queued by
    another writer that held the lock) are known and left as they are; the insert ignores a conflict on the
    unique pair, and the rows read back after it are the ones this call queued — each a step on its order's
    timeline. ``values`` maps an order's key to placeholder values the orders app cannot know (the carrier's
    name). Returns how many were queued.
    """
    template = template_for(orders[0].account, event) if orders else None
    wanted = {order.pk: order for order in orders if order.buyer_email}
    if template is None or not wanted:
        return 0
    with transaction.atomic(savepoint=False):
        list(Order.objects.select_for_update().filter(pk__in=wanted).order_by("pk").values_list("pk", flat=True))
        existing = set(_present(wanted, event))
        todo = [order for pk, order in wanted.items() if pk not in existing]
        if not todo:
            return 0
        prefetch_related_objects(todo, "lines")
        status = MessageStatus.HELD if todo[0].account.hold_messages else MessageStatus.QUEUED
        BuyerMessage.objects.bulk_create([_rendered(order, event, template, status, (values or {}).get(order.pk))
                                          for order in todo], ignore_conflicts=True)
        new = set(_present([order.pk for order in todo], event)) - existing
        queued = [order for order in todo if order.pk in new]
        timeline.write([timeline.event(order, EventKind.MESSAGE_QUEUED, data={"event": event, "status": status})
                        for order in queued])
    return len(queued)


def queue_taken_in(entries: Sequence[tuple[Order, Sequence[OrderLine]]], event: str) -> int:
    """``queue_many`` for orders the caller inserted in its own, still open transaction, with their lines.

    No other writer can see those orders yet and none has a message, so neither the lock, the check nor the
    read-back is needed, and the lines in hand are not read again: an insert and a timeline insert per batch.
    A message already there would be a bug: the insert then fails on the unique pair and the batch with it.
    """
    template = template_for(entries[0][0].account, event) if entries else None
    due = [(order, lines) for order, lines in entries if order.buyer_email]
    if template is None or not due:
        return 0
    status = MessageStatus.HELD if due[0][0].account.hold_messages else MessageStatus.QUEUED
    with transaction.atomic(savepoint=False):
        insert_rows([_rendered(order, event, template, status, lines=lines) for order, lines in due])
        timeline.write([timeline.event(order, EventKind.MESSAGE_QUEUED, data={"event": event, "status": status})
                        for order, _lines in due])
    return len(due)


def _present(order_ids, event: str) -> list[int]:
    return list(BuyerMessage.objects.filter(order__in=list(order_ids), event=event).values_list("order_id", flat=True))


def _rendered(order: Order, event: str, template: MailTemplate, status: str, values: dict[str, str] | None = None,
              *, lines: Sequence[OrderLine] | None = None) -> BuyerMessage:
    """The message as it goes out: rendered now, so what staff approve is what the buyer reads."""
    filled = {**order_values(order, lines=lines), **(values or {})}
    return BuyerMessage(order=order, event=event, status=status, subject=render(template.subject, filled)[:255],
                        body=render(template.body, filled), recipient=order.buyer_email)


def _logged(message: BuyerMessage, kind: str, moved: bool, text: str = "", *, user=None) -> bool:
    """The timeline row of a move, when this writer made it (in its transaction); ``user`` for staff's."""
    if moved:
        timeline.log([Order(pk=message.order_id)], kind, data={"event": message.event, "status": message.status},
                     message=text, user=user)
    return moved


def _set(message: BuyerMessage, allowed: tuple[str, ...], **values) -> bool:
    """Conditional update from one of ``allowed`` statuses; False when another writer moved it first."""
    changed = BuyerMessage.objects.filter(pk=message.pk, status__in=allowed).update(**values)
    if changed:
        message.refresh_from_db()
    return bool(changed)


@transaction.atomic
def mark_sending(message: BuyerMessage) -> bool:
    """Claim a queued message before the SMTP call (committed by the caller's transaction ending here)."""
    return _set(message, (MessageStatus.QUEUED,), status=MessageStatus.SENDING, attempts=F("attempts") + 1,
                sending_since=timezone.now())


@transaction.atomic
def mark_sent(message: BuyerMessage) -> bool:
    return _logged(message, EventKind.MESSAGE_SENT, _set(
        message, (MessageStatus.SENDING,), status=MessageStatus.SENT, sent_at=timezone.now(), last_error=""))


@transaction.atomic
def mark_failed(message: BuyerMessage, error: str) -> bool:
    """The relay refused the message for good (e.g. 552): staff read why, fix it and resend."""
    return _logged(message, EventKind.MESSAGE_FAILED, _set(
        message, (MessageStatus.SENDING,), status=MessageStatus.FAILED, last_error=error[:ERROR_LENGTH]),
        error[:ERROR_LENGTH])


def requeue(message: BuyerMessage, error: str) -> bool:
    """Nothing was delivered (auth refused, relay unreachable): back to queued, to go out later."""
    return _set(message, (MessageStatus.SENDING,), status=MessageStatus.QUEUED, last_error=error[:ERROR_LENGTH])


def mark_unknown(message: BuyerMessage, error: str = "") -> bool:
    """Left 'sending' by a worker that died: perhaps delivered, so never re-sent automatically."""
    return _set(message, (MessageStatus.SENDING,), status=MessageStatus.UNKNOWN, last_error=error[:ERROR_LENGTH])


@transaction.atomic
def approve(message: BuyerMessage, *, user=None) -> bool:
    """Staff let a held message go out at the next run."""
    return _logged(message, EventKind.MESSAGE_QUEUED, _set(message, (MessageStatus.HELD,), status=MessageStatus.QUEUED),
                   user=user)


@transaction.atomic
def resend(message: BuyerMessage, *, user=None) -> bool:
    """Staff decide a failed or unknown message goes out (again)."""
    return _logged(message, EventKind.MESSAGE_QUEUED, _set(
        message, (MessageStatus.FAILED, MessageStatus.UNKNOWN), status=MessageStatus.QUEUED), user=user)


@transaction.atomic
def mark_sent_by_hand(message: BuyerMessage, *, user=None) -> bool:
    """Staff know the buyer has it (an unknown outcome that was delivered, or mailed from RMS)."""
    return _logged(message, EventKind.MESSAGE_SENT, _set(
        message, (MessageStatus.UNKNOWN, MessageStatus.FAILED, MessageStatus.HELD), status=MessageStatus.SENT,
        sent_at=timezone.now()), user=user)


def withdraw_unsent(orders: Sequence[Order]) -> int:
    """The orders were cancelled: their messages not yet handed to the relay (held or queued) go out no more.

    They become ``failed`` with a note, so the outbox still shows what was meant to go and why it did not
    (staff may still resend one). The cancellation message itself is kept; one already ``sending`` is on
    its way and is left to the sender. A few queries for any number of orders; returns how many were withdrawn.
    """
    if not orders:
        return 0
    note = _("Withdrawn: the order was cancelled, so this message was not sent.")
    by_pk = {order.pk: order for order in orders}
    with transaction.atomic(savepoint=False):
        unsent = (BuyerMessage.objects.select_for_update().filter(order__in=list(by_pk), status__in=UNSENT)
                  .exclude(event=MessageEvent.CANCELLED))
        rows = list(unsent.order_by("order_id", "pk").values_list("pk", "order_id", "event"))
        withdrawn = BuyerMessage.objects.filter(pk__in=[pk for pk, _o, _e in rows], status__in=UNSENT).update(
            status=MessageStatus.FAILED, last_error=note[:ERROR_LENGTH])
        timeline.write([timeline.event(by_pk[order_id], EventKind.MESSAGE_FAILED, message=note,
                                       data={"event": event, "status": MessageStatus.FAILED})
                        for _pk, order_id, event in rows])
    return withdrawn
