"""Order intake: ``fetch_orders`` (every minute), its hourly ``--sweep``, and (from refresh.py)
``refresh_open_orders`` (every 10 minutes).

Fetch: searchOrder by order date from the account's cursor minus an overlap to now, getOrder for the
numbers we do not have yet in batches of 100, each batch written and allocated in one transaction that
also moves the cursor to the newest order date of the batch. RMS lists orders oldest first, so a crash
leaves the cursor at the last committed order; the next run starts there (minus the overlap) and skips
what is stored, leaving neither gaps nor duplicates. The overlap covers orders RMS lists a little late.

Sweep (``sweep=True``, hourly): the same search over the last ``RAKUTEN_ORDER_SWEEP_HOURS`` (72) by order
date, getOrder only for numbers we do not have, and the cursor left alone. It finds orders that became
visible in RMS long after their order time (up to 3 days), which the cursor has already passed; as almost
every listed order is stored, it costs a few searchOrder pages and nothing else.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import EcAccount
from orders.models import Order
from rakuten_link.models import JobKind, SyncCursor, SyncRun
from rakuten_link.rms import JST, RmsAuthError, RmsClient, RmsError
from rakuten_link.sync.orders.batch import BATCH_SIZE, OrderBatches
from rakuten_link.sync.orders.followup import alert_fetch_failure
from rakuten_link.sync.orders.refresh import (
    RMS_MAX_PAST,
    refresh_open_orders,  # noqa: F401  (the job registry imports it here)
)
from rakuten_link.sync.orders.upsert import BatchOutcome
from rakuten_link.sync.runner import JobResult

ORDER_DATE = 1  # searchOrder dateType 1 = 注文日 (docs/rms.md §2.2)


def fetch_orders(*, account: EcAccount, client: RmsClient, run: SyncRun | None = None,
                 since: str | date | None = None, sweep: bool = False, **_options) -> JobResult:
    """The every-minute job (and `rakuten_sync orders [--since DATE | --sweep]`); see the module docstring.

    RMS errors end the run as failed with one alert (hourly at most); everything committed so far stays,
    and the cursor stays at the last committed batch. Authentication errors go to the runner.
    """
    end = timezone.now()
    try:
        start = sweep_start(since, end) if sweep else search_start(account, since, end)
    except ValueError as exc:
        return JobResult(summary=str(exc), failed=True, error=str(exc))
    batches = OrderBatches(account, client)
    cursor = None if sweep else CursorKeeper(account)
    try:
        numbers = client.iter_order_numbers(date_type=ORDER_DATE, start=start, end=end)
        for batch in unknown_in_batches(account, numbers, batches.counts):
            batches.run(batch, cursor=cursor)
    except RmsAuthError:
        raise  # the runner marks the account invalid, pauses its jobs and sends that alert
    except RmsError as exc:
        alert_fetch_failure(account, str(exc))
        return JobResult(summary=_summary(batches, sweep), counts=dict(batches.counts), failed=True,
                         error=str(exc))
    except Exception as exc:
        alert_fetch_failure(account, f"{type(exc).__name__}: {exc}")
        raise
    if cursor is not None:
        cursor.finish(end)
    return JobResult(summary=_summary(batches, sweep), counts=dict(batches.counts))


def _summary(batches: OrderBatches, sweep: bool) -> str:
    """A sweep's run says so: it is recorded as an ``orders`` run like the every-minute fetch."""
    if not sweep:
        return batches.summary()
    return _("Sweep of the last %(hours)d hours: %(summary)s") % {
        "hours": settings.RAKUTEN_ORDER_SWEEP_HOURS, "summary": batches.summary()}


def sweep_start(since: str | date | None, end: datetime) -> datetime:
    """RAKUTEN_ORDER_SWEEP_HOURS back from now by order date; never a --since (that is a backfill)."""
    if since:
        raise ValueError(_("--since and --sweep cannot be combined: the sweep always looks back "
                           "RAKUTEN_ORDER_SWEEP_HOURS. Use one of them."))
    return max(end - timedelta(hours=settings.RAKUTEN_ORDER_SWEEP_HOURS), end - RMS_MAX_PAST)


def search_start(account: EcAccount, since: str | date | None, end: datetime) -> datetime:
    """--since date, else the cursor minus the overlap, else RAKUTEN_INITIAL_FETCH_DAYS back."""
    if since:
        day = since if isinstance(since, date) else _parse_day(since)
        start = datetime.combine(day, time.min, tzinfo=JST)
    else:
        position = SyncCursor.objects.filter(account=account, kind=JobKind.ORDERS).values_list(
            "position", flat=True).first()
        if position is None:
            start = end - timedelta(days=settings.RAKUTEN_INITIAL_FETCH_DAYS)
        else:
            start = min(position, end) - timedelta(minutes=settings.RAKUTEN_ORDER_OVERLAP_MINUTES)
    return max(start, end - RMS_MAX_PAST)


def _parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(_("--since must be a date like 2025-01-31, not %(value)r") % {"value": text}) from None


def unknown_in_batches(account: EcAccount, numbers: Iterable[str], counts: Counter[str] | None = None
                       ) -> Iterator[list[str]]:
    """Order numbers we have not stored, in search order, grouped by 100 (one lookup per 100 numbers).

    Stored orders are left to the open-orders refresh, so the overlap costs searchOrder pages only.
    """
    counts = Counter() if counts is None else counts
    candidates: list[str] = []
    pending: list[str] = []
    for number in numbers:
        counts["listed"] += 1
        candidates.append(number)
        if len(candidates) == BATCH_SIZE:
            pending += _unknown(account, candidates)
            candidates = []
        while len(pending) >= BATCH_SIZE:
            yield pending[:BATCH_SIZE]
            pending = pending[BATCH_SIZE:]
    pending += _unknown(account, candidates)
    for start in range(0, len(pending), BATCH_SIZE):
        yield pending[start:start + BATCH_SIZE]


def _unknown(account: EcAccount, numbers: list[str]) -> list[str]:
    if not numbers:
        return []
    known = set(Order.objects.filter(account=account, order_number__in=numbers).values_list(
        "order_number", flat=True))
    return [n for n in numbers if n not in known]


class CursorKeeper:
    """Moves SyncCursor(account, "orders") forward only, inside the batch's own transaction."""

    def __init__(self, account: EcAccount) -> None:
        self.account = account
        self.held = False

    def advance(self, outcome: BatchOutcome) -> None:
        if not self.held and outcome.latest_ordered_at is not None:
            self._move_to(outcome.latest_ordered_at)

    def hold(self) -> None:
        """RMS left out an order it listed: stay before it so the next run asks again."""
        self.held = True

    def finish(self, end: datetime) -> None:
        """Everything up to ``end`` is stored (unless a batch had gaps): the next run starts there."""
        if not self.held:
            self._move_to(end)

    def _move_to(self, position: datetime) -> None:
        """One UPDATE when the cursor exists and moves forward (every batch but the first ever)."""
        cursors = SyncCursor.objects.filter(account=self.account, kind=JobKind.ORDERS)
        if not cursors.filter(position__lt=position).update(position=position):
            SyncCursor.objects.get_or_create(account=self.account, kind=JobKind.ORDERS,
                                             defaults={"position": position})
