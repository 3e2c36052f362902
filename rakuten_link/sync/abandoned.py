"""Runs that never finished: a worker killed (SIGKILL, OOM, a lost machine) or stopped mid-job.

A killed worker leaves its SyncRun ``running`` forever and runs nothing after it. The next run of the
same job for the same account holds the lease, so any older ``running`` row of that job has no live
worker: it is closed as failed (abandoned), and staff get one alert. ``sweep_abandoned_runs`` does the
same for jobs that are not run again soon (switched off, paused), from the scheduled dispatch. A job
interrupted in-process (Django-Q2's timeout raises a SystemExit) records itself as failed on the way out.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import EcAccount
from rakuten_link.alerts import send_alert
from rakuten_link.models import RunStatus, SyncRun
from rakuten_link.sync.leases import accounts_with_live_lease, lease_seconds


def interrupted_reason(exc: BaseException) -> str:
    """Why a run ended without finishing; Django-Q2's TimeoutException is a SystemExit subclass."""
    if isinstance(exc, SystemExit) and type(exc).__name__ == "TimeoutException":
        return _("interrupted: the task ran past the worker's time limit")
    return _("interrupted: the worker stopped during the run (%(error)s)") % {"error": type(exc).__name__}


def alert_interrupted(run: SyncRun) -> None:
    """One mail per interrupted run: nobody else will look at it."""
    send_alert(
        run.account,
        kind="job_interrupted",
        subject=_("A %(job)s run did not finish") % {"job": run.get_kind_display()},
        body=_("The %(job)s run of account %(name)s that started at %(start)s ended early: %(error)s\n"
               "The next scheduled run starts again where this one stopped; nothing needs to be done unless "
               "this repeats.") % {"job": run.get_kind_display(), "name": run.account.name,
                                   "start": timezone.localtime(run.started_at).strftime("%Y-%m-%d %H:%M:%S"),
                                   "error": run.error},
        throttle=None,
    )


def close_abandoned_runs(account: EcAccount, kind: str) -> int:
    """Close every ``running`` row of this job for this account; the caller must hold the job's lease."""
    return _close(account, kind, SyncRun.objects.filter(account=account, kind=kind, status=RunStatus.RUNNING))


def sweep_abandoned_runs() -> int:
    """Close runs left ``running`` whose job has no live lease (so no worker is on them)."""
    stale = timezone.now() - timedelta(seconds=lease_seconds())
    candidates = SyncRun.objects.filter(status=RunStatus.RUNNING, started_at__lt=stale)
    closed = 0
    for account_id, kind in set(candidates.values_list("account_id", "kind")):
        if accounts_with_live_lease([account_id], kind):
            continue
        account = EcAccount.objects.get(pk=account_id)
        closed += _close(account, kind, candidates.filter(account_id=account_id, kind=kind))
    return closed


def _close(account: EcAccount, kind: str, runs: QuerySet) -> int:
    ids = list(runs.values_list("pk", flat=True))
    if not ids:
        return 0
    reason = _("abandoned: the worker stopped (killed or timed out) before the run finished")
    closed = SyncRun.objects.filter(pk__in=ids, status=RunStatus.RUNNING).update(
        status=RunStatus.FAILED, finished_at=timezone.now(), error=reason, summary=reason[:500]
    )
    first = SyncRun.objects.filter(pk__in=ids).order_by("started_at").first() if closed else None
    if first is not None:
        send_alert(
            account,
            kind="job_abandoned",
            subject=_("%(n)d %(job)s run(s) were abandoned") % {"n": closed, "job": first.get_kind_display()},
            body=_("A worker stopped while running %(job)s for account %(name)s (the first such run started at "
                   "%(start)s). The run is now marked failed and the job runs again as scheduled. If this "
                   "repeats, check the workers' memory and the task time limit.")
            % {"job": first.get_kind_display(), "name": account.name,
               "start": timezone.localtime(first.started_at).strftime("%Y-%m-%d %H:%M:%S")},
            throttle=None,
        )
    return closed
