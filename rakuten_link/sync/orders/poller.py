"""The fast order fetch: which accounts are due for an extra order fetch, and queuing it.

Why a process of its own (``manage.py rakuten_poll``) rather than a Schedule: Django-Q2's scheduler looks
at schedules only every 30 s of wall time, so no Schedule can run a job every 10–15 s. The poller decides
once a second and queues the ordinary ``run_for_account(account, "orders")`` task, so a fast fetch is the
every-minute fetch run more often: the same lease, cursor and overlap. The every-minute schedule keeps
running for every account; for a fast account its runs simply count as polls.

At most one task per account is outstanding: the poller remembers what it queued until a run that
started after the enqueue is seen, so a task still waiting for a worker is not queued a second time (each
would cost a searchOrder). A restart forgets this; the worst case is one extra queued task, which the
lease serialises and the poll period's check then finds not due.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Max, Q
from django.utils import timezone
from django_q.tasks import async_task

from accounts.models import EcAccount
from rakuten_link.models import JobKind, RunStatus, SyncRun
from rakuten_link.sync.leases import accounts_with_live_lease

logger = logging.getLogger(__name__)

TASK = "rakuten_link.tasks.run_for_account"
# A queued task not started after this long is taken as lost (a broker flushed, a cluster replaced) and
# queued again. Django-Q2 re-delivers a task a dead worker held after its ``retry`` (300 s) anyway.
OUTSTANDING_SECONDS = 300


@dataclass(frozen=True)
class AccountState:
    """What the decision needs to know about one account, read in one pass."""

    account_id: int
    fetch_on: bool
    fast_on: bool
    paused: bool
    last_started: datetime | None  # the latest orders run that was not skipped: when the last search began
    lease_live: bool
    last_seen: datetime | None = None  # the latest orders run of any status: a worker took a task by then

    @property
    def taken_at(self) -> datetime | None:
        """When a worker last took an orders task for this account (a run row of any status)."""
        return max((t for t in (self.last_seen, self.last_started) if t is not None), default=None)


def is_due(state: AccountState, *, now: datetime, poll_seconds: float,
           queued_at: datetime | None = None) -> bool:
    """True when an extra order fetch should be queued for this account now.

    Pure (no clock, no database) so it can be tested with a fixed time. A run in progress (live lease) or a
    task queued and not started yet (``queued_at`` after the last run's start) is never doubled.
    """
    if not (state.fetch_on and state.fast_on) or state.paused or state.lease_live:
        return False
    if queued_at is not None and outstanding(queued_at, state.taken_at, now=now):
        return False
    if state.last_started is None:
        return True
    return now - state.last_started >= timedelta(seconds=poll_seconds)


def outstanding(queued_at: datetime, last_seen: datetime | None, *, now: datetime) -> bool:
    """A task queued at ``queued_at`` has not started yet (and is not so old it must be lost).

    Any run that began after the enqueue (even a skipped one) shows the task was taken: each task run
    writes a SyncRun row, skipped or not.
    """
    started = last_seen is not None and last_seen >= queued_at
    return not started and now - queued_at < timedelta(seconds=OUTSTANDING_SECONDS)


def load_states(now: datetime) -> list[AccountState]:
    """Accounts with both switches on and not paused, with their last runs' starts and lease: three queries.

    Skipped runs are left out of ``last_started``: one skipped as "already running" would otherwise push
    the next poll back although it searched nothing.
    """
    accounts = list(
        EcAccount.objects.filter(job_fetch_orders=True, job_fast_orders=True, jobs_paused=False)
        .order_by("pk").values_list("pk", flat=True)
    )
    if not accounts:
        return []
    runs: dict[int, Mapping[str, Any]] = {
        row["account_id"]: row for row in
        SyncRun.objects.filter(account_id__in=accounts, kind=JobKind.ORDERS).values("account_id").annotate(
            started=Max("started_at", filter=~Q(status=RunStatus.SKIPPED)), seen=Max("started_at"))
    }
    live = accounts_with_live_lease(accounts, JobKind.ORDERS, now=now)
    return [AccountState(pk, fetch_on=True, fast_on=True, paused=False, lease_live=pk in live,
                         last_started=runs.get(pk, {}).get("started"), last_seen=runs.get(pk, {}).get("seen"))
            for pk in accounts]


def _enqueue(account_id: int) -> None:
    """The ordinary task; successful ones are not kept in Django-Q2's list (SyncRun records each run).

    At four polls a minute they would otherwise push every other task out of the last 1000 kept.
    """
    async_task(TASK, account_id, JobKind.ORDERS.value, task_name=f"orders-fast-{account_id}", save=False)


class OrderPoller:
    """One instance per poller process: it holds what it queued, so ``tick`` must run in one process."""

    def __init__(self, *, poll_seconds: float | None = None,
                 enqueue: Callable[[int], None] = _enqueue,
                 clock: Callable[[], datetime] = timezone.now) -> None:
        self.poll_seconds = float(poll_seconds or settings.RAKUTEN_ORDER_POLL_SECONDS)
        self.enqueue = enqueue
        self.clock = clock
        self.queued: dict[int, datetime] = {}

    def tick(self) -> list[int]:
        """One pass: queue every due account; returns their ids."""
        now = self.clock()
        states = load_states(now)
        self._forget(states, now)
        due = [s.account_id for s in states
               if is_due(s, now=now, poll_seconds=self.poll_seconds, queued_at=self.queued.get(s.account_id))]
        for account_id in due:
            self.enqueue(account_id)
            self.queued[account_id] = now
        if due:
            logger.info("order poll: queued a fetch for account(s) %s", ", ".join(map(str, due)))
        return due

    def _forget(self, states: Iterable[AccountState], now: datetime) -> None:
        """Drop what has started, gone stale, or belongs to an account no longer polled."""
        by_id = {s.account_id: s for s in states}
        for account_id, queued_at in list(self.queued.items()):
            state = by_id.get(account_id)
            if state is None or not outstanding(queued_at, state.taken_at, now=now):
                del self.queued[account_id]
