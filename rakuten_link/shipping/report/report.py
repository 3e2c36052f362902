"""The ``shipments`` job: new, corrected and deleted shipments reported to RMS, exactly once.

Each run first settles what earlier runs left 'sending' (batch results, then getOrder read-backs), so
nothing is sent twice; then it sends what is pending: one updateOrderShipping per order, or, when more
than ``RAKUTEN_SHIPPING_ASYNC_MIN`` orders wait (0 turns this off), updateOrderShippingAsync in batches of
100. Refusals are shown on the shipment and mailed once per run (throttled like every alert).
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from accounts.models import EcAccount
from orders.models import ReportState, Shipment
from rakuten_link.alerts import send_alert
from rakuten_link.rms import RmsClient
from rakuten_link.sync.messages.queueing import queue_shipped_messages
from rakuten_link.sync.runner import JobResult

from .batch import send_batches, settle_batches
from .outcome import Tally, settle_without_call
from .plan import plan_orders
from .readback import read_back
from .send import send_order

MAX_ORDERS_PER_RUN = 100  # one call per order: at RMS's 1 call/s the run stays well inside the task timeout
ALERT_LINES = 20  # refusals named in the mail; the rest are counted


def report_shipments(*, account: EcAccount, client: RmsClient, run, **_options) -> JobResult:
    """Settle what was left 'sending', then send what is pending; failed when RMS ended the sending early."""
    tally = Tally()
    settle_sending(account, client, tally)
    plans = plan_orders(account)
    for plan in plans:
        settle_without_call(plan, tally)
    plans = [plan for plan in plans if plan.rows]
    threshold = settings.RAKUTEN_SHIPPING_ASYNC_MIN
    if threshold and len(plans) > threshold:
        send_batches(client, plans, tally)
    else:
        for plan in plans[:MAX_ORDERS_PER_RUN]:
            if not send_order(client, plan, tally):
                break
    if tally.refusals:
        alert_refusals(account, tally)
    queue_shipped_messages(account)
    tally.awaiting_rms = Shipment.objects.filter(order__account=account, report_state=ReportState.SENDING).count()
    counts = tally.counts()
    summary = _("%(reported)d reported, %(corrected)d corrected, %(deleted)d deleted, %(refused)d refused; "
                "%(read_back)d read back (%(adopted)d adopted); %(calls)d RMS calls") % counts
    if tally.awaiting_rms:
        summary += " " + _("%(count)d shipments wait for RMS's answer: they are read back from RMS at the latest "
                           "%(minutes)d minutes after they were sent, and their shipped messages wait until then.") % {
            "count": tally.awaiting_rms, "minutes": settings.RAKUTEN_SHIPPING_READBACK_MINUTES}
    return JobResult(summary=summary, counts=counts, failed=bool(tally.stopped), error=tally.stopped)


def settle_sending(account: EcAccount, client: RmsClient, tally: Tally) -> None:
    """Shipments an earlier run left 'sending': batch results first, then a getOrder read-back."""
    sending = list(Shipment.objects.filter(order__account=account, report_state=ReportState.SENDING)
                   .select_related("order", "package"))
    in_batches = [s for s in sending if s.report_request]
    to_read = [s for s in sending if not s.report_request]
    hints: dict[int, int] = {}
    if in_batches:
        to_read += settle_batches(client, in_batches, tally, hints)
    read_back(client, to_read, tally, hints)


def alert_refusals(account: EcAccount, tally: Tally) -> None:
    """One mail per run naming the orders and RMS's reasons (no buyer data)."""
    lines = [f"{number}: {message}" for number, message in tally.refusals[:ALERT_LINES]]
    more = len(tally.refusals) - len(lines)
    if more > 0:
        lines.append(_("…and %(count)d more.") % {"count": more})
    body = _("RMS refused %(count)d shipments of account %(name)s. Each shows the reason on its order page; "
             "correct them there and they are sent again.\n\n%(lines)s") % {
        "count": tally.refused, "name": account.name, "lines": "\n".join(lines)}
    send_alert(account, kind="shipment_refused", subject=_("RMS refused %(count)d shipments") % {
        "count": tally.refused}, body=body)
