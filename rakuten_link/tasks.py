"""Thin Django-Q2 entry points (dotted paths referenced by the schedules and by async_task).

push_after_debounce is the event-driven inventory push (the name is kept for tasks already queued; there is
no debounce by default any more). Why a task instead of a Schedule of type ONCE: the Django-Q2 scheduler
only looks at schedules every 30 s, which alone would break "on Rakuten within a second". A task enqueued
at once is picked up within the broker's poll (ORM) or immediately (Redis), pushes at once after a quiet
period and otherwise when the pacing interval since the previous push has passed. Only one task per
account is queued at a time (the marker), so a burst of sales costs one push per pacing interval, not one
per sale.
"""

from __future__ import annotations

import time
from datetime import timedelta

from django.conf import settings
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django_q.tasks import async_task

from accounts.models import EcAccount
from orders.reports import delete_expired_reports
from rakuten_link.alerts.watch import check_alerts
from rakuten_link.models import AlertLog, ApiCall, JobKind, RunStatus, SyncRun
from rakuten_link.sync.abandoned import sweep_abandoned_runs
from rakuten_link.sync.inventory.pending import (
    disarm_marker,
    enqueue_push,
    keep_armed,
    seconds_until_due,
    start_push,
)
from rakuten_link.sync.jobs import accounts_for, run_account_job
from rakuten_link.sync.leases import lease_is_live


def dispatch(kind: str, **options) -> str:
    """Scheduled entry: one queued task per account, so accounts run side by side on several workers.

    ``options`` go to the job as they are (e.g. ``sweep=True`` for the hourly order sweep).
    """
    sweep_abandoned_runs()
    ids = quickest_first(kind, list(accounts_for(kind).values_list("pk", flat=True)))
    for account_id in ids:
        async_task("rakuten_link.tasks.run_for_account", account_id, kind, **options,
                   task_name=f"{kind}-{account_id}"[:100])
    return f"{kind}: queued for {len(ids)} account(s)"


RECENT_RUNS = timedelta(minutes=15)


def quickest_first(kind: str, ids: list[int]) -> list[int]:
    """The accounts in the order their recent runs of ``kind`` took, quickest first (new ones first).

    With the accounts queued by pk, one shop whose RMS answers slowly had its tasks of several kinds at
    the front of every tick and could hold every worker at once; queued last, it delays only itself.
    """
    since = timezone.now() - RECENT_RUNS
    slowest = dict(SyncRun.objects.filter(kind=kind, account_id__in=ids, started_at__gte=since,
                                          finished_at__isnull=False)
                   .values("account_id").annotate(slowest=Max(F("finished_at") - F("started_at")))
                   .order_by().values_list("account_id", "slowest"))
    return sorted(ids, key=lambda account_id: (slowest.get(account_id, timedelta(0)), account_id))


def run_for_account(account_id: int, kind: str, **options) -> str:
    account = EcAccount.objects.get(pk=account_id)
    run = run_account_job(account, kind, **options)
    return f"{account.name} {kind} {run.status}: {run.summary}"


def check_for_silence() -> str:
    """Every minute: alert on silence (no order fetch, stock not reaching Rakuten) and mail recoveries.

    Errors alert where they happen; this catches what sends no error at all (stopped workers, a job that
    keeps failing quietly), and tells staff once a problem they were alerted about is over.
    """
    sent, resolved = check_alerts()
    return f"silence check: {sent} alert(s) sent, {resolved} resolved"


def prune_logs() -> str:
    """SyncRun, ApiCall and alert rows older than the retention window (30 days by default)."""
    cutoff = timezone.now() - timedelta(days=settings.RAKUTEN_LOG_RETENTION_DAYS)
    calls, _ = ApiCall.objects.filter(created_at__lt=cutoff).delete()
    runs, _ = SyncRun.objects.filter(started_at__lt=cutoff).delete()
    alerts, _ = AlertLog.objects.filter(sent_at__lt=cutoff).delete()
    return f"pruned {runs} runs, {calls} API calls, {alerts} alerts"


def delete_expired_files() -> str:
    """Daily: slip and export files past their day (the clean-up lives in orders, which cannot schedule it)."""
    return delete_expired_reports()


# While another inventory job holds the lease (a long scheduled push, a drift check), wait for it
# rather than skip: the pending SKUs must be pushed by *someone* soon. Stays well under Q's timeout.
LEASE_WAIT_SECONDS = 90
LEASE_POLL_SECONDS = 0.05  # a push in flight ends within a second: notice it at once
HEARTBEAT_SECONDS = 10  # keeps a waiting task's marker from looking stale (STALE_ARM_SECONDS)


def push_after_debounce(account_id: int) -> str:
    """Queued by sync.inventory.pending.request_push; returns a one-line summary for Django-Q2's task list."""
    time.sleep(seconds_until_due(account_id))
    account = EcAccount.objects.filter(pk=account_id).first()
    if account is None or not account.job_push_inventory or account.jobs_paused:
        disarm_marker(account_id)
        return _("inventory push not run: the account's inventory updates are off or paused")
    return _run_when_free(account)


def _run_when_free(account: EcAccount) -> str:
    """Push as soon as no other inventory job runs; the marker stays armed while we wait.

    Staying armed matters: sales during a long scheduled push then add pending SKUs for *this* task
    instead of each queuing another task that would also sit waiting and fill every worker.
    """
    deadline = time.monotonic() + LEASE_WAIT_SECONDS
    beat = time.monotonic()
    while True:
        if not lease_is_live(account, JobKind.INVENTORY):
            # Disarm before the push claims anything: a movement from now on arms and enqueues the next push,
            # due one pacing interval after this one started.
            start_push(account.pk)
            run = run_account_job(account, JobKind.INVENTORY, pending_only=True)
            if run.status != RunStatus.SKIPPED or account.jobs_paused:
                return f"{account.name} inventory {run.status}: {run.summary}"
        elif time.monotonic() > deadline:
            keep_armed(account.pk)
            enqueue_push(account.pk)  # a fresh task takes over the wait instead of holding this worker longer
            return _("inventory push handed to a new task: another inventory job is still running")
        elif time.monotonic() - beat > HEARTBEAT_SECONDS:
            keep_armed(account.pk)
            beat = time.monotonic()
        time.sleep(LEASE_POLL_SECONDS)


# The entry points above, by the dotted path Django-Q2 stores: the only functions staff may queue again
# from the admin (a stored task naming anything else is never re-queued, rakuten_link/admin/tasks.py).
JOB_FUNCTIONS = frozenset(f"{__name__}.{entry.__name__}" for entry in (
    dispatch, run_for_account, check_for_silence, prune_logs, push_after_debounce))
