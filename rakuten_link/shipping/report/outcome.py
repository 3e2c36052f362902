"""What RMS's answer means for each shipment of a call, and the run's counts.

RMS answers a call by ``dataNumber`` (the 1-based row position over the call, docs/rms.md §2.5), so each
entry is matched to the row sent at that position. What each answer means is settled in one call of
``orders.shipping.settle_report`` per answer, the one writer of the report state.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from orders.models import Shipment
from orders.shipping import Outcome, settle_report
from rakuten_link.rms import RmsError, RmsRateLimitedError, RmsTransientError, ShippingUpdateResult

from .plan import CORRECT, DELETE, OrderPlan, Row

# 503 means the service refused the call before looking at it; other 5xx, timeouts and dropped connections
# may come after RMS applied it, so only these are "not applied".
NOT_APPLIED_STATUSES = frozenset({429, 503})


@dataclass
class Tally:
    """The run's counts (``JobResult.counts``) plus what the refusal alert and the run's error say."""

    reported: int = 0
    corrected: int = 0
    deleted: int = 0
    refused: int = 0
    read_back: int = 0
    adopted: int = 0
    calls: int = 0
    awaiting_rms: int = 0  # shipments left 'sending' at the end of the run, waiting for RMS's answer or a read-back
    refusals: list[tuple[str, str]] = field(default_factory=list)  # (order number, why)
    stopped: str = ""  # the error that ended the sending early, if one did

    def counts(self) -> dict[str, int]:
        names = ("reported", "corrected", "deleted", "refused", "read_back", "adopted", "calls", "awaiting_rms")
        return {name: getattr(self, name) for name in names}


def not_applied(exc: RmsError) -> bool:
    """RMS surely did not apply the call: rate limited, or unavailable. Anything else is an unknown outcome."""
    if isinstance(exc, RmsRateLimitedError):
        return True
    return isinstance(exc, RmsTransientError) and exc.http_status in NOT_APPLIED_STATUSES


def stop(tally: Tally, exc: RmsError) -> None:
    """End the run's sending: RMS is unwell, and what it did with the last call is settled next run."""
    tally.stopped = _("Sending stopped because RMS failed: %(error)s. Rows whose outcome is unknown are read "
                      "back from RMS on the next run, then sent again only if RMS does not hold them.") % {
        "error": exc}


def settle_without_call(plan: OrderPlan, tally: Tally) -> None:
    """What a plan decided before sending: refused over the limit, never-held deletions, unchanged rows."""
    settled: list[tuple[Shipment, Outcome]] = []
    for row, message in plan.refused:
        settled.append((row.shipment, Outcome.refused(message)))
        _note_refusal(tally, plan.order.order_number, message)
    settled += [(shipment, Outcome.forgotten()) for shipment in plan.forgotten]  # RMS never held them
    settled += [(shipment, Outcome.reported()) for shipment in plan.unchanged]
    settle_report(settled)


def apply_results(rows: Sequence[Row], results: Sequence[ShippingUpdateResult], tally: Tally) -> None:
    """RMS accepted the call: each row is reported with its shippingDetailId.

    A row RMS said nothing about, or an add answered without an id, stays 'sending': the next run reads the
    order back instead of guessing.
    """
    by_number = {r.data_number: r for r in results if r.data_number is not None}
    if not by_number and len(results) == len(rows):
        by_number = dict(enumerate(results, start=1))
    settled: list[tuple[Shipment, Outcome]] = []
    for number, row in enumerate(rows, start=1):
        result = by_number.get(number)
        if result is None:
            continue
        if not result.ok:
            settled += refusals(tally, row.shipment.order.order_number, [row], [result])
        elif row.kind == DELETE:
            settled.append((row.shipment, Outcome.reported()))
            tally.deleted += 1
        elif row.kind == CORRECT:
            settled.append((row.shipment, Outcome.reported(result.shipping_detail_id or row.shipment.external_id)))
            tally.corrected += 1
        elif result.shipping_detail_id is not None:
            settled.append((row.shipment, Outcome.reported(result.shipping_detail_id)))
            tally.reported += 1
    settle_report(settled + [(row.shipment, Outcome.recheck()) for row in rows])


def refuse_rows(tally: Tally, order_number: str, rows: Sequence[Row], entries: Sequence[ShippingUpdateResult],
                fallback: str = "") -> None:
    """RMS refused the call (nothing applied): the rows it names are refused with its own words, the others
    are sent again; when it names none, every row of the call is refused."""
    settle_report(refusals(tally, order_number, rows, entries, fallback))


def refusals(tally: Tally, order_number: str, rows: Sequence[Row], entries: Sequence[ShippingUpdateResult],
             fallback: str = "") -> list[tuple[Shipment, Outcome]]:
    """What ``refuse_rows`` settles, counted in the tally."""
    settled: list[tuple[Shipment, Outcome]] = []
    errors = [e for e in entries if not e.ok]
    named: dict[int, list[ShippingUpdateResult]] = {}
    for entry in errors:
        if entry.data_number is not None and 1 <= entry.data_number <= len(rows):
            named.setdefault(entry.data_number, []).append(entry)
    whole = _rms_words(errors) or fallback or _("no reason given")
    for number, row in enumerate(rows, start=1):
        if named and number not in named:
            settled.append((row.shipment, Outcome.pending()))
            continue
        message = refusal_message(_rms_words(named[number]) if named else whole)
        settled.append((row.shipment, Outcome.refused(message)))
        _note_refusal(tally, order_number, message)
    return settled


def refusal_message(words: str) -> str:
    """RMS's own words, kept verbatim, inside a sentence staff can read in their language."""
    return _("RMS refused this shipment: %(message)s Correct the shipment and it is sent again.") % {
        "message": words}


def _rms_words(entries: Sequence[ShippingUpdateResult]) -> str:
    return " / ".join(f"{e.message} ({e.code})" if e.code else e.message for e in entries if e.message or e.code)


def _note_refusal(tally: Tally, order_number: str, message: str) -> None:
    tally.refused += 1
    tally.refusals.append((order_number, message))
