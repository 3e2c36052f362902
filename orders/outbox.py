"""The outbox: the only writer of ``BuyerMessage.status``.

A message is rendered when queued (what staff approve is what goes out) and exists at most once per order
and event (a unique constraint; ``queue`` is get_or_create on it, so a re-fetch or a second worker finds the
first row). The sender marks a row ``sending`` in its own commit before talking to the relay: a row still
``sending`` at the next run died mid-call, may have been delivered, and becomes ``unknown`` — only a person
resends it or marks it sent.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from . import timeline
from .messages import order_values, render
from .models import BuyerMessage, EventKind, MailTemplate, MessageEvent, MessageStatus, Order

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


@transaction.atomic(savepoint=False)
def queue(order: Order, event: str, *, values: dict[str, str] | None = None, log: bool = True
          ) -> BuyerMessage | None:
    """Queue (or find) the message of ``order`` for ``event``; None when the account sends none for it.

    ``values`` overrides placeholder values the orders app cannot know (the carrier's name). A new message
    is a step on the order's timeline (``log=False``: the caller writes those rows in bulk).
    """
    account = order.account
    template = template_for(account, event)
    if template is None or not order.buyer_email:
        return None
    filled = {**order_values(order), **(values or {})}
    status = MessageStatus.HELD if account.hold_messages else MessageStatus.QUEUED
    message, _created = BuyerMessage.objects.get_or_create(order=order, event=event, defaults={
        "status": status, "subject": render(template.subject, filled)[:255], "body": render(template.body, filled),
        "recipient": order.buyer_email})
    if _created and log:
        timeline.write([_queued_row(message)])
    return message


def queue_many(orders: list[Order], event: str) -> int:
    """``queue`` for a batch of orders of one account; the existing rows are read in one query."""
    if not orders or template_for(orders[0].account, event) is None:
        return 0
    done = set(BuyerMessage.objects.filter(order__in=[o.pk for o in orders], event=event)
               .values_list("order_id", flat=True))
    queued = [m for order in orders if order.pk not in done and (m := queue(order, event, log=False))]
    timeline.write([_queued_row(message) for message in queued])
    return len(queued)


def _queued_row(message: BuyerMessage):
    return timeline.event(message.order, EventKind.MESSAGE_QUEUED,
                          data={"event": message.event, "status": message.status})


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


def withdraw_unsent(order: Order) -> int:
    """The order was cancelled: its messages not yet handed to the relay (held or queued) go out no more.

    They become ``failed`` with a note, so the outbox still shows what was meant to go and why it did not
    (staff may still resend one). The cancellation message itself is kept; one already ``sending`` is on
    its way and is left to the sender. Returns how many were withdrawn.
    """
    note = _("Withdrawn: the order was cancelled, so this message was not sent.")
    with transaction.atomic(savepoint=False):
        unsent = (BuyerMessage.objects.select_for_update().filter(order=order, status__in=UNSENT)
                  .exclude(event=MessageEvent.CANCELLED))
        events = list(unsent.values_list("event", flat=True))
        withdrawn = unsent.update(status=MessageStatus.FAILED, last_error=note[:ERROR_LENGTH])
        timeline.write([timeline.event(order, EventKind.MESSAGE_FAILED, message=note,
                                       data={"event": event, "status": MessageStatus.FAILED}) for event in events])
    return withdrawn
