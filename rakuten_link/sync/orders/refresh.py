"""The ``open-orders`` job (every 10 minutes): getOrder on our orders that are not final, to catch
cancellations and changes.

Each run takes the next open orders after the account's refresh cursor (``refresh_cursor.py``: passes
over the open orders in order-date order, wrapping to the oldest) and stops after ``MAX_BATCHES_PER_RUN``
getOrder batches or ``TIME_BUDGET_SECONDS``, whichever comes first. The next run goes on from where this one
stopped, so a shop with more open orders than one run can refresh still has every one of them refreshed
within a few runs, the newest included. An order RMS returns as stored is not written at all.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Expression, IntegerField, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import EcAccount
from orders.models import FINAL_PROGRESS, Order
from rakuten_link.models import SyncRun
from rakuten_link.rms import RmsAuthError, RmsClient, RmsError
from rakuten_link.sync.orders.batch import BATCH_SIZE, OrderBatches
from rakuten_link.sync.orders.followup import alert_fetch_failure
from rakuten_link.sync.orders.refresh_cursor import IN_QUEUE_ORDER, move_past, next_in_turn, pass_started
from rakuten_link.sync.runner import JobResult

RMS_MAX_PAST = timedelta(days=729)  # searchOrder and getOrder reach 730 days back; keep a day's margin

# At RMS's 1 request/s for the order API, 60 getOrder calls take a minute; with the writes, retries and
# the every-minute fetch sharing the same rate, a run still ends far inside Django-Q2's 240 s timeout.
# 60 batches = 6,000 orders a run, 36,000 an hour at one run every 10 minutes.
MAX_BATCHES_PER_RUN = 60
TIME_BUDGET_SECONDS = 150.0  # no new batch is started after this (a slow RMS must not reach the timeout)


class IntList(Expression):
    """``(700, 900)`` written into the SQL rather than bound: SQLite uses a partial index only when the query
    repeats its condition, literals included (bound values hid the order_refresh_queue index from it)."""

    def __init__(self, values: Iterable[int]) -> None:
        super().__init__(output_field=IntegerField())
        self.values = tuple(int(value) for value in values)  # int(): nothing else can reach the SQL text

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        return "(" + ", ".join(str(value) for value in self.values) + ")", ()


def open_orders(account: EcAccount) -> QuerySet:
    """The account's orders that can still change in RMS: not final, and young enough for getOrder."""
    oldest = timezone.now() - RMS_MAX_PAST
    return Order.objects.filter(account=account, ordered_at__gte=oldest).exclude(
        order_progress__in=IntList(FINAL_PROGRESS))


NO_LIMIT = 10**9  # see count_open


def count_open(account: EcAccount) -> int:
    """How many open orders there are, counted along the queue index (open orders only). Planners with
    statistics preferred the ordered_at index for a plain COUNT and read every order's row (0.6 s at 300,000
    on SQLite); an ordered subquery (its LIMIT only there to keep the ORDER BY) walks the queue index alone."""
    return open_orders(account).order_by(*IN_QUEUE_ORDER)[:NO_LIMIT].count()


def refresh_open_orders(*, account: EcAccount, client: RmsClient, run: SyncRun | None = None,
                        **_options) -> JobResult:
    """getOrder on up to ``MAX_BATCHES_PER_RUN`` × 100 open orders, the next in turn."""
    limit = MAX_BATCHES_PER_RUN * BATCH_SIZE
    queue = next_in_turn(account, open_orders(account), limit)
    total = count_open(account) if len(queue) == limit else len(queue)  # a short queue is all of them
    numbers = [order.order_number for order in queue]
    stored = {order.order_number: order for order in queue}
    batches = OrderBatches(account, client)
    asked = 0
    deadline = time.monotonic() + TIME_BUDGET_SECONDS
    try:
        for start in range(0, len(numbers), BATCH_SIZE):
            if start and time.monotonic() > deadline:
                break
            batch = numbers[start:start + BATCH_SIZE]
            batches.run(batch, stored=stored)
            move_past(account, stored[batch[-1]])
            asked += len(batch)
    except RmsAuthError:
        raise
    except RmsError as exc:
        alert_fetch_failure(account, str(exc))
        return _result(batches, total, asked, error=str(exc))
    return _result(batches, total, asked)


def _result(batches: OrderBatches, total: int, asked: int, *, error: str = "") -> JobResult:
    counts = {**batches.counts, "open": total, "asked": asked}
    summary = batches.summary()
    if asked < total:
        summary += "; " + _("%(asked)d of %(total)d open orders asked, the rest at the next runs") % {
            "asked": asked, "total": total}
    return JobResult(summary=summary, counts=counts, failed=bool(error), error=error)


@dataclass(frozen=True)
class RefreshStatus:
    """What the account page shows: how many open orders, and since when the current pass over them runs."""

    open: int
    pass_started: datetime | None  # None before the first run


def refresh_status(account: EcAccount) -> RefreshStatus:
    """The count along the queue index, and the cursor's pass start."""
    return RefreshStatus(count_open(account), pass_started(account))
