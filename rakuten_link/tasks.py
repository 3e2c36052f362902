"""Thin Django-Q2 entry points (dotted paths referenced by the schedules and by async_task).

push_pending is the event-driven inventory push. Why a task instead of a Schedule of type ONCE: the
Django-Q2 scheduler only looks at schedules every 30 s, which alone would break "on Rakuten within a
second". A task is queued only by whoever wins the account's push claim (sync/inventory/pending.py): the
stock movement itself after a quiet period (the leading edge), the push that just ended, or rakuten_poll
once the pacing interval has passed. So at most one push per account is queued or running, a burst of
sales costs one push per pacing interval, and no task ever sleeps on a worker waiting for its turn.
"""

from __future__ import annotations

import logging
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
from rakuten_link.sync.inventory import pending
from rakuten_link.sync.jobs import accounts_for, run_account_job

logger = logging.getLogger(__name__)


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


def push_pending(account_id: int, token: str = "") -> str:
    """Queued with the account's push claim; returns a one-line summary for Django-Q2's task list.

    A task whose claim was taken over (it sat in the queue too long, or staff queued it again) claims
    afresh, and does nothing when it cannot: another push is in flight or the pacing does not allow one.
    """
    wait = pending.start(account_id, token)
    if wait is None:
        token, won = pending.claim([account_id])
        wait = pending.start(account_id, token) if won else None
        if wait is None:
            return _("inventory push not run: another push of this account is running or due later")
    failed, run = False, None
    try:
        time.sleep(wait)  # what is left of the claim lead (a fraction of a second): the push keeps to the pacing
        account = EcAccount.objects.filter(pk=account_id).first()
        if account is None or not account.job_push_inventory or account.jobs_paused:
            return _("inventory push not run: the account's inventory updates are off or paused")
        run = run_account_job(account, JobKind.INVENTORY, pending_only=True, lease_seconds=pending.claim_seconds())
        failed = run.status == RunStatus.FAILED
        return f"{account.name} inventory {run.status}: {run.summary}"
    except BaseException:
        failed = True
        raise
    finally:
        pending.release(account_id, token, failed=failed, last_call_sent_at=_last_call_sent_at(run))
        _next_push(account_id)


def _last_call_sent_at(run: SyncRun | None):
    """When the push's last RMS call left (its ApiCall row is written as the answer comes)."""
    if run is None or run.pk is None:
        return None
    call = ApiCall.objects.filter(sync_run=run).order_by("-pk").values("created_at", "duration_ms").first()
    return call["created_at"] - timedelta(milliseconds=call["duration_ms"]) if call else None


def match_catalogue(account_id: int) -> str:
    """Queued by a catalogue pull once it committed: proposals for what it pulled (the mapping assistant)."""
    from rakuten_link.assistant.proposals import refresh_proposals

    account = EcAccount.objects.filter(pk=account_id).first()
    if account is None:
        return _("catalogue not matched: the account no longer exists")
    counts = refresh_proposals(account)
    return _("%(name)s catalogue matched: %(high)d high-confidence proposals, %(conflicts)d in conflict") % {
        "name": account.name, "high": counts.clean["high"], "conflicts": sum(counts.conflicts.values())}


def _next_push(account_id: int) -> None:
    """Rows that came during the push go at once if the push outlasted the pacing; else rakuten_poll sends them."""
    try:
        pending.claim_and_queue([account_id])
    except Exception:  # the poller claims them on its next pass
        logger.warning("could not queue the next inventory push of account %s", account_id, exc_info=True)


# The entry points above, by the dotted path Django-Q2 stores: the only functions staff may queue again
# from the admin (a stored task naming anything else is never re-queued, rakuten_link/admin/tasks.py).
JOB_FUNCTIONS = frozenset(f"{__name__}.{entry.__name__}" for entry in (
    dispatch, run_for_account, check_for_silence, prune_logs, delete_expired_files, push_pending, match_catalogue))
