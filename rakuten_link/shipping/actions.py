"""注文確認 and キャンセル from the admin: RMS is asked first, then our copy is re-read from RMS.

Our copy is never moved ahead of RMS by hand: after confirmOrder or cancelOrder the order is read back
through the manual-fetch code, so its status, change history and (for a cancellation) the released stock
are what RMS says, written by the same code as the scheduled fetch. Only when RMS accepted a cancellation
but the order cannot be read back, or RMS still shows it as 800 キャンセル確定待ち, is our copy cancelled
here (releasing its stock): RMS has already taken the order out of the shop's hands.

Calls are bounded like the account check (a short read timeout, no retries), so a page never hangs, and
RMS's own error text is shown verbatim inside a sentence of ours.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import EcAccount
from accounts.secrets import SecretUnreadable
from lib.audit import record_action, record_actions
from orders import timeline
from orders.models import AttentionReason, EventKind, Order, OrderProgress, OrderState
from orders.services import cancel_order
from rakuten_link.rms import RmsAuthError, RmsClient, RmsError
from rakuten_link.rms.codes import CANCEL_REASONS
from rakuten_link.sync.clients import client_for
from rakuten_link.sync.messages.queueing import queue_cancelled_messages, withdraw_unsent_messages
from rakuten_link.sync.orders.batch import OrderBatches
from rakuten_link.sync.orders.manual import fetch_order_by_number
from rakuten_link.sync.runner import pause_after_auth_failure

CANCELLABLE = frozenset({OrderProgress.AWAITING_CONFIRMATION, OrderProgress.RAKUTEN_PROCESSING,
                         OrderProgress.AWAITING_SHIPMENT})  # cancelOrder works only here (docs/rms.md §2.6)
LISTED = 20  # order numbers named in one message


@dataclass
class ActionResult:
    """What an admin action did: (level, text) messages for staff, and the orders RMS accepted."""

    messages: list[tuple[int, str]] = field(default_factory=list)
    done: list[Order] = field(default_factory=list)

    def add(self, level: int, text: str) -> None:
        self.messages.append((level, text))

    @property
    def ok(self) -> bool:
        return not any(level == messages.ERROR for level, _text in self.messages)


def confirm_orders_in_rms(account: EcAccount, orders: Sequence[Order], *, user=None) -> ActionResult:
    """confirmOrder (the client sends 100 per call) for the orders still in 100, then re-read them all."""
    result = ActionResult()
    waiting = [o for o in orders if o.order_progress == OrderProgress.AWAITING_CONFIRMATION
               and o.state != OrderState.CANCELLED]
    skipped = [o.order_number for o in orders if o not in waiting]
    if skipped:
        result.add(messages.WARNING, _("Not sent to RMS, not awaiting confirmation (100): %(numbers)s")
                   % {"numbers": numbers_text(skipped)})
    client = _client(account, result) if waiting else None
    if client is None:
        return result
    by_number = {o.order_number: o for o in waiting}
    try:
        answers = client.confirm_orders(list(by_number))
    except RmsAuthError as exc:
        result.add(messages.ERROR, _auth_message(account, exc))
        return result
    except RmsError as exc:
        result.add(messages.ERROR, _("Confirming in RMS failed: %(error)s. The orders were read again from RMS; "
                                     "confirm again those still awaiting confirmation.")
                   % {"error": error_text(exc)})
        answers = []
    for answer in answers:
        if answer.ok and answer.order_number in by_number:
            result.done.append(by_number[answer.order_number])
        elif not answer.ok:
            result.add(messages.ERROR, _("RMS refused to confirm order %(number)s: %(error)s")
                       % {"number": answer.order_number, "error": _answer_text(answer.code, answer.message)})
    with transaction.atomic():
        timeline.log(result.done, EventKind.CONFIRMED, user=user)
    with timeline.acting(user=user):
        _reread(account, client, list(by_number), result)
    if result.done:
        if user is not None:
            record_actions(user, result.done, _("Confirmed in RMS (注文確認)."))
        result.add(messages.SUCCESS, ngettext("%(n)d order confirmed in RMS.", "%(n)d orders confirmed in RMS.",
                                              len(result.done)) % {"n": len(result.done)})
    return result


def cancel_order_in_rms(order: Order, reason_code: int, user) -> ActionResult:
    """cancelOrder with a Rakuten reason (only in 100–300), then re-read; our copy releases its stock."""
    result = ActionResult()
    account = order.account
    if reason_code not in CANCEL_REASONS:
        result.add(messages.ERROR, _("Choose a cancel reason from the list."))
        return result
    if order.state == OrderState.CANCELLED or order.order_progress not in CANCELLABLE:
        result.add(messages.ERROR, _("Order %(number)s is in status %(status)s: RMS cancels only orders in 100 "
                                     "to 300. Cancel it in RMS instead.")
                   % {"number": order.order_number, "status": order.progress_label})
        return result
    client = _client(account, result)
    if client is None:
        return result
    refused = None
    try:
        client.cancel_order(order.order_number, reason_code=reason_code)
    except RmsAuthError as exc:
        result.add(messages.ERROR, _auth_message(account, exc))
        return result
    except RmsError as exc:
        refused = exc  # a cut-off call may still have been applied: the re-read tells
    reason = f"{reason_code} {CANCEL_REASONS[reason_code]}"
    with timeline.acting(user=user):
        _reread(account, client, [order.order_number], result)
    order.refresh_from_db()
    if refused is not None and order.order_progress != OrderProgress.CANCELLED:
        result.add(messages.ERROR, _("Order %(number)s could not be cancelled in RMS: %(error)s. Nothing was "
                                     "changed here.") % {"number": order.order_number, "error": error_text(refused)})
        return result
    order = _cancel_here(order, user, reason)
    withdraw_unsent_messages([order])  # the re-read may have withdrawn them already; a second call finds none
    result.done.append(order)
    record_action(user, order, _("Cancelled in RMS (reason: %(reason)s).") % {"reason": reason})
    if AttentionReason.CANCELLED_AFTER_SHIPPING in order.attention_reasons:
        text = _("Order %(number)s cancelled in RMS (reason: %(reason)s). Its goods had already left: check the "
                 "return.")
    else:
        queue_cancelled_messages([order])  # once: the re-read may have queued it already
        text = _("Order %(number)s cancelled in RMS (reason: %(reason)s); the stock it held was released.")
    result.add(messages.SUCCESS, text % {"number": order.order_number, "reason": reason})
    return result


def numbers_text(numbers: Sequence[str]) -> str:
    """At most LISTED numbers, then how many more: a message stays readable for a whole page of orders."""
    shown = ", ".join(numbers[:LISTED])
    if len(numbers) > LISTED:
        shown += " " + _("(and %(n)d more)") % {"n": len(numbers) - LISTED}
    return shown


def error_text(exc: RmsError) -> str:
    """RMS's own messages (with their codes) when it gave any, else the client's description."""
    texts = [_answer_text(d.code, d.message) for d in exc.errors if d.message or d.code]
    return "; ".join(texts) if texts else str(exc)


def _answer_text(code: str, message: str) -> str:
    return f"{message} ({code})" if code and message else message or code


def _client(account: EcAccount, result: ActionResult) -> RmsClient | None:
    """Bounded like the account check: staff wait for the page, a slow RMS must not hold it for minutes."""
    try:
        return client_for(account, read_timeout=settings.RMS_CHECK_TIMEOUT / 2, max_retries=0)
    except SecretUnreadable as exc:
        result.add(messages.ERROR, _("%(account)s: %(error)s") % {"account": account.name, "error": exc})
        return None


def _auth_message(account: EcAccount, exc: RmsError) -> str:
    pause_after_auth_failure(account, exc)
    account.refresh_from_db()
    return _("RMS refused the credentials of %(account)s: %(reason)s") % {"account": account.name,
                                                                         "reason": account.status_reason}


def _reread(account: EcAccount, client: RmsClient, numbers: list[str], result: ActionResult) -> None:
    """Our copy becomes what RMS now says, through the manual-fetch code (one getOrder per 100 orders)."""
    if len(numbers) == 1:
        fetched = fetch_order_by_number(account, numbers[0], client=client)
        if not fetched.ok:
            result.add(messages.WARNING, _("Our copy could not be read again from RMS: %(error)s The next order "
                                           "refresh brings it up to date.") % {"error": fetched.message})
        return
    try:
        OrderBatches(account, client).run(numbers)
    except RmsAuthError as exc:
        result.add(messages.WARNING, _auth_message(account, exc))
    except RmsError as exc:
        result.add(messages.WARNING, _("Our copy could not be read again from RMS: %(error)s The next order "
                                       "refresh brings it up to date.") % {"error": error_text(exc)})


@transaction.atomic
def _cancel_here(order: Order, user, reason: str) -> Order:
    """Cancelled in RMS: if the re-read did not already do it, our copy is cancelled and its stock released."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.state != OrderState.CANCELLED:
        cancel_order(order, list(order.lines.all()), release=order.state != OrderState.SHIPPED, user=user,
                     message=reason)
    else:
        timeline.explain(order, EventKind.CANCELLED, reason)  # the re-read cancelled it: say why
    return order
