"""Order intake jobs: ``fetch_orders`` (every minute) and ``refresh_open_orders`` (every 10 minutes).

Fetch: searchOrder by order date from the account's cursor minus an overlap to now, getOrder for the
numbers we do not have yet in batches of 100, each batch written and allocated in one transaction that
also moves the cursor to the newest order date of the batch. RMS lists orders oldest first, so a crash
leaves the cursor at the last committed order; the next run starts there (minus the overlap) and skips
what is stored, leaving neither gaps nor duplicates. The overlap covers orders RMS lists late.

Refresh: getOrder on our orders that are not final (``FINAL_PROGRESS``: 700, 900), to catch
cancellations and changes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import EcAccount
from orders.models import FINAL_PROGRESS, Order
from rakuten_link.models import JobKind, SyncCursor, SyncRun
from rakuten_link.rms import JST, RmsAuthError, RmsClient, RmsError
from rakuten_link.sync.orders.batch import BATCH_SIZE, OrderBatches
from rakuten_link.sync.orders.followup import alert_fetch_failure
from rakuten_link.sync.orders.upsert import BatchOutcome
from rakuten_link.sync.runner import JobResult

ORDER_DATE = 1  # searchOrder dateType 1 = 注文日 (rms-reference §2.2)
RMS_MAX_PAST = timedelta(days=729)  # searchOrder and getOrder reach 730 days back; keep a day's margin


def fetch_orders(*, account: EcAccount, client: RmsClient, run: SyncRun | None = None,
                 since: str | date | None = None, **_options) -> JobResult:
    """The every-minute job (and `rakuten_sync orders [--since DATE]`); see the module docstring.

    RMS errors end the run as failed with one alert (hourly at most); everything committed so far stays,
    and the cursor stays at the last committed batch. Authentication errors go to the runner.
    """
    end = timezone.now()
    try:
        start = search_start(account, since, end)
    except ValueError as exc:
        return JobResult(summary=str(exc), failed=True, error=str(exc))
    batches = OrderBatches(account, client)
    cursor = CursorKeeper(account)
    try:
        numbers = client.iter_order_numbers(date_type=ORDER_DATE, start=start, end=end)
        for batch in unknown_in_batches(account, numbers, batches.counts):
            batches.run(batch, cursor=cursor)
    except RmsAuthError:
        raise  # the runner marks the account invalid, pauses its jobs and sends that alert
    except RmsError as exc:
        alert_fetch_failure(account, str(exc))
        return JobResult(summary=batches.summary(), counts=dict(batches.counts), failed=True, error=str(exc))
    except Exception as exc:
        alert_fetch_failure(account, f"{type(exc).__name__}: {exc}")
        raise
    cursor.finish(end)
    return JobResult(summary=batches.summary(), counts=dict(batches.counts))


def refresh_open_orders(*, account: EcAccount, client: RmsClient, run: SyncRun | None = None,
                        **_options) -> JobResult:
    """getOrder on every order of the account not yet in a final state (oldest first)."""
    oldest = timezone.now() - RMS_MAX_PAST
    numbers = list(
        Order.objects.filter(account=account, ordered_at__gte=oldest)
        .exclude(order_progress__in=FINAL_PROGRESS)
        .order_by("ordered_at", "pk")
        .values_list("order_number", flat=True)
    )
    batches = OrderBatches(account, client)
    try:
        for start in range(0, len(numbers), BATCH_SIZE):
            batches.run(numbers[start:start + BATCH_SIZE])
    except RmsAuthError:
        raise
    except RmsError as exc:
        alert_fetch_failure(account, str(exc))
        return JobResult(summary=batches.summary(), counts=dict(batches.counts), failed=True, error=str(exc))
    return JobResult(summary=batches.summary(), counts=dict(batches.counts))


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
        cursor, created = SyncCursor.objects.get_or_create(
            account=self.account, kind=JobKind.ORDERS, defaults={"position": position}
        )
        if not created and cursor.position < position:
            SyncCursor.objects.filter(pk=cursor.pk, position__lt=position).update(position=position)
