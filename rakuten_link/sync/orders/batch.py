"""One getOrder call, its write, and what follows — shared by the fetch, the refresh and the manual fetch."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any, NamedTuple, Protocol

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from accounts.models import EcAccount
from orders.models import Order, OrderProgress
from rakuten_link.rms import RmsClient
from rakuten_link.sync.orders.fields import raw_digest
from rakuten_link.sync.orders.followup import alert_problems, confirm_new_orders
from rakuten_link.sync.orders.upsert import BatchOutcome, IntakeContext, write_batch

BATCH_SIZE = 100  # getOrder and confirmOrder take at most 100 order numbers (docs/rms.md §2.3, §2.4)
COUNTS = ("listed", "fetched", "new", "updated", "unchanged", "changes", "cancelled", "unmatched_lines",
          "unmapped_payments", "missing", "confirmed", "confirm_refused")


class Cursor(Protocol):
    def hold(self) -> None: ...

    def advance(self, outcome: BatchOutcome) -> None: ...


@dataclass
class BatchResult:
    outcome: BatchOutcome
    missing: list[str] = field(default_factory=list)  # asked for, but RMS did not return them


class Stored(NamedTuple):
    """A stored order as the refresh chose it: enough to recognise it unchanged, move the cursor past it and
    confirm it."""

    pk: int
    order_number: str
    order_progress: int
    raw_digest: str
    ordered_at: datetime

    def as_order(self) -> Order:
        """A model instance with just these fields (the others load if read), for the auto-confirm."""
        return Order.from_db("default", ["id", "order_number", "order_progress"],
                             [self.pk, self.order_number, self.order_progress])


def stored_of(orders: QuerySet[Order]) -> QuerySet:
    """``orders`` as ``Stored`` tuples: a light read instead of the full rows and their raw JSON."""
    return orders.values_list(*Stored._fields)


def _same(stored: Mapping[str, Stored], number: str, raw: dict[str, Any]) -> bool:
    order = stored.get(number)
    return order is not None and bool(order.raw_digest) and order.raw_digest == raw_digest(raw)


class OrderBatches:
    """Runs batches for one account and keeps the counts a SyncRun shows."""

    def __init__(self, account: EcAccount, client: RmsClient) -> None:
        self.account = account
        self.client = client
        self.context = IntakeContext.load(account)
        self.counts: Counter[str] = Counter(dict.fromkeys(COUNTS, 0))

    def run(self, numbers: Sequence[str], *, cursor: Cursor | None = None,
            stored: Mapping[str, Stored] | None = None) -> BatchResult:
        """getOrder → write (one transaction, moving ``cursor``) → alerts and auto-confirm (after the commit).

        When RMS leaves out a number it listed, the cursor is held before this batch for the rest of the
        run, so the next run asks again. ``stored`` (the open-order refresh: the orders asked, as read when
        it chose them): an order RMS returns with the digest stored for it is neither parsed nor read again,
        nor written (the refresh's cursor, not a stamp on each order, says what was asked); it is not in the
        outcome's orders.
        """
        skipped: list[Stored] = []
        if stored is not None:
            orders, same = self.client.get_changed_orders(numbers, partial(_same, stored))
            skipped = [stored[number] for number in same]
        else:
            orders = self.client.get_orders(numbers)
        returned = {o.order_number for o in orders} | {s.order_number for s in skipped}
        missing = [n for n in numbers if n not in returned]
        if missing and cursor is not None:
            cursor.hold()
        outcome = BatchOutcome()
        if orders or cursor is not None:
            outcome = write_batch(self.context, orders, in_transaction=cursor.advance if cursor else None)
        result = BatchResult(outcome, missing)
        self._count(result)
        self.counts["fetched"] += len(skipped)
        self.counts["unchanged"] += len(skipped)
        alert_problems(self.account, outcome)
        awaiting = [s.as_order() for s in skipped if s.order_progress == OrderProgress.AWAITING_CONFIRMATION]
        confirmed, refused = confirm_new_orders(self.account, self.client, [*outcome.orders, *awaiting])
        self.counts["confirmed"] += confirmed
        self.counts["confirm_refused"] += refused
        return result

    def _count(self, result: BatchResult) -> None:
        outcome = result.outcome
        self.counts["fetched"] += len(outcome.orders)
        self.counts["new"] += len(outcome.created)
        self.counts["updated"] += len(outcome.updated)
        self.counts["unchanged"] += outcome.unchanged
        self.counts["changes"] += outcome.changes
        self.counts["cancelled"] += outcome.cancelled
        self.counts["unmatched_lines"] += len(outcome.unmatched)
        self.counts["unmapped_payments"] += len(outcome.unmapped_payments)
        self.counts["missing"] += len(result.missing)

    def summary(self) -> str:
        c = self.counts
        text = _("%(new)d new, %(updated)d updated, %(unchanged)d unchanged; %(unmatched)d lines to check (要確認)") % {
            "new": c["new"], "updated": c["updated"], "unchanged": c["unchanged"], "unmatched": c["unmatched_lines"],
        }
        if c["missing"]:
            text += "; " + _("%(n)d not returned by RMS") % {"n": c["missing"]}
        if c["confirmed"] or c["confirm_refused"]:
            text += "; " + _("%(n)d confirmed") % {"n": c["confirmed"]}
        return text
