"""One getOrder call, its write, and what follows — shared by the fetch, the refresh and the manual fetch."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from django.utils.translation import gettext as _

from accounts.models import EcAccount
from orders.models import Order
from rakuten_link.rms import RmsClient
from rakuten_link.sync.orders.fields import content_hash
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


def stored_hashes(account: EcAccount, numbers: Sequence[str]) -> dict[str, Order]:
    """The stored orders among ``numbers``, with only what an unchanged one needs (hash, status for the
    auto-confirm): one light query instead of the full rows and their raw JSON."""
    rows = Order.objects.filter(account=account, order_number__in=numbers).only(
        "order_number", "order_progress", "content_hash")
    return {order.order_number: order for order in rows}


class OrderBatches:
    """Runs batches for one account and keeps the counts a SyncRun shows."""

    def __init__(self, account: EcAccount, client: RmsClient) -> None:
        self.account = account
        self.client = client
        self.context = IntakeContext.load(account)
        self.counts: Counter[str] = Counter(dict.fromkeys(COUNTS, 0))

    def run(self, numbers: Sequence[str], *, cursor: Cursor | None = None, skip_unchanged: bool = False
            ) -> BatchResult:
        """getOrder → write (one transaction, moving ``cursor``) → alerts and auto-confirm (after the commit).

        When RMS leaves out a number it listed, the cursor is held before this batch for the rest of the
        run, so the next run asks again. With ``skip_unchanged`` (the open-order refresh), an order RMS
        returns exactly as stored (same content hash) is neither parsed nor read: it is only stamped.
        """
        unchanged: list[Order] = []
        if skip_unchanged:
            stored = stored_hashes(self.account, numbers)
            orders, same = self.client.get_changed_orders(
                numbers, lambda number, raw: number in stored and stored[number].content_hash == content_hash(raw))
            unchanged = [stored[number] for number in same]
        else:
            orders = self.client.get_orders(numbers)
        returned = {o.order_number for o in orders} | {o.order_number for o in unchanged}
        missing = [n for n in numbers if n not in returned]
        if missing and cursor is not None:
            cursor.hold()
        outcome = write_batch(self.context, orders, in_transaction=cursor.advance if cursor else None,
                              unchanged=unchanged)
        result = BatchResult(outcome, missing)
        self._count(result)
        alert_problems(self.account, outcome)
        confirmed, refused = confirm_new_orders(self.account, self.client, outcome.orders)
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
