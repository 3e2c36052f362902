"""Sending quantities to RMS in bulk-upsert batches, and isolating the rows RMS rejects.

inventories.bulk.upsert takes ≤400 rows and is all-or-nothing (docs/rms.md §3): one bad row
rejects the other 399. A rejected batch is therefore re-sent without the rows RMS names in its
errors (``propertyPath`` ``inventories[i]…``) or, when it names none, in halves, until every good
row went through and every bad one stands alone. What RMS accepted is recorded at once, batch by
batch, so a failure later in the run never forgets what already reached Rakuten.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from lib.fastwrite import set_by_id
from rakuten_link.mappings.status import mark_rejected
from rakuten_link.models import ProductMapping
from rakuten_link.rms import InventoryUpdate, RmsClient, RmsRequestError

BATCH_SIZE = 400
_ROW_PATH = re.compile(r"^inventories\[(\d+)\]")
# Errors about the shop or the request as a whole: splitting cannot help, the run must fail instead.
_SHOP_LEVEL_CODES = frozenset({"IE1105", "GE0011"})


@dataclass(frozen=True)
class PushRow:
    mapping_id: int
    manage_number: str
    variant_id: str
    quantity: int

    def update(self) -> InventoryUpdate:
        return InventoryUpdate(self.manage_number, self.variant_id, self.quantity, mode="ABSOLUTE")


@dataclass
class PushStats:
    pushed: int = 0
    rejected: int = 0
    calls: int = 0


class BatchPusher:
    """Collects rows, sends them 400 at a time, and records each accepted or rejected row."""

    def __init__(self, client: RmsClient, *, record_rakuten: bool = False) -> None:
        self.client = client
        self.stats = PushStats()
        self.record_rakuten = record_rakuten
        self._buffer: list[PushRow] = []

    def add(self, row: PushRow) -> None:
        self._buffer.append(row)
        if len(self._buffer) >= BATCH_SIZE:
            self.flush()

    def flush(self) -> None:
        rows, self._buffer = self._buffer, []
        if rows:
            send_isolating(self.client, rows, accepted=self._accepted, rejected=self._rejected, stats=self.stats)

    def _accepted(self, rows: list[PushRow]) -> None:
        """Stored only now that RMS answered 204: what we believe Rakuten holds is what it holds."""
        now = timezone.now()
        columns: tuple[str, ...] = ("last_pushed_quantity",)
        also = {"last_pushed_at": now}
        if self.record_rakuten:  # a drift fix: we now know what Rakuten holds
            columns, also = (*columns, "rakuten_quantity"), {**also, "rakuten_read_at": now}
        set_by_id(ProductMapping, {r.mapping_id: r.quantity for r in rows}, columns=columns, also=also)
        self.stats.pushed += len(rows)

    def _rejected(self, row: PushRow, message: str) -> None:
        text = _("Rakuten rejected the stock update: %(error)s") % {"error": message}
        mark_rejected(row.mapping_id, text)
        self.stats.rejected += 1


def send_isolating(
    client: RmsClient,
    rows: list[PushRow],
    *,
    accepted: Callable[[list[PushRow]], None],
    rejected: Callable[[PushRow, str], None],
    stats: PushStats,
) -> None:
    """Send ``rows`` (≤400); on a 400, narrow down to the bad rows and send the good ones again."""
    parts = [rows]
    while parts:
        part = parts.pop()
        stats.calls += 1
        try:
            client.bulk_upsert_inventories([row.update() for row in part])
        except RmsRequestError as exc:
            _raise_unless_row_level(exc)
            parts.extend(_narrow(exc, part, rejected))
        else:
            accepted(part)


def _raise_unless_row_level(exc: RmsRequestError) -> None:
    if exc.http_status != 400 or not exc.errors or any(e.code in _SHOP_LEVEL_CODES for e in exc.errors):
        raise exc


def _narrow(exc: RmsRequestError, part: list[PushRow], rejected: Callable[[PushRow, str], None]) -> list[list]:
    """Reject the rows RMS named and return what should be sent again (the rest, or two halves)."""
    if len(part) == 1:
        rejected(part[0], _messages(exc.errors))
        return []
    named: dict[int, list] = {}
    for error in exc.errors:
        match = _ROW_PATH.match(error.property_path)
        if match and int(match.group(1)) < len(part):
            named.setdefault(int(match.group(1)), []).append(error)
    if not named:
        middle = len(part) // 2
        return [part[middle:], part[:middle]]
    for index, errors in named.items():
        rejected(part[index], _messages(errors))
    rest = [row for index, row in enumerate(part) if index not in named]
    return [rest] if rest else []


def _messages(errors) -> str:
    return "; ".join(f"{e.code}: {e.message}" for e in errors[:3])
