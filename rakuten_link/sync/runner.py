"""Runs one job for one account: lease, SyncRun row, RMS client, error classification, auth pause.

Job functions have the signature ``job(*, account, client, run, **options) -> JobResult`` and
never deal with leases, audit rows or authentication failures themselves.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import EcAccount
from accounts.secrets import SecretUnreadable
from accounts.services import pause_for_auth_failure, record_credentials_unreadable
from orders.timeline import acting
from rakuten_link.alerts import send_alert
from rakuten_link.functions.records import guidance
from rakuten_link.models import RunStatus, SyncRun
from rakuten_link.rms import RmsAuthError, RmsError
from rakuten_link.sync.abandoned import alert_interrupted, close_abandoned_runs, interrupted_reason
from rakuten_link.sync.clients import client_for
from rakuten_link.sync.function_check import function_refused
from rakuten_link.sync.leases import lease
from rakuten_link.wording import DETAIL, as_mail

logger = logging.getLogger(__name__)


@dataclass
class JobResult:
    summary: str
    counts: dict = field(default_factory=dict)
    failed: bool = False
    error: str = ""


JobFunction = Callable[..., JobResult]


def run_job(account: EcAccount, kind: str, job: JobFunction, *, lease_seconds: float | None = None,
            **options) -> SyncRun:
    """Run ``job`` once for ``account``; always returns the SyncRun that records what happened.

    ``lease_seconds`` shortens the lease for a job whose killed worker must not hold the next run back for
    RAKUTEN_LEASE_SECONDS (the event-driven stock push); its heartbeat renews it three times as often.
    """
    account.refresh_from_db()
    if account.jobs_paused:
        return _skipped(account, kind, _("jobs are paused until the credentials are saved again"))
    with lease(account, kind, seconds=lease_seconds) as token:
        if token is None:
            return _skipped(account, kind, _("already running for this account"))
        close_abandoned_runs(account, kind)  # we hold the lease: an older running row has no live worker
        run = SyncRun.objects.create(account=account, kind=kind)
        client = None
        try:
            client = client_for(account, run=run)
            with acting(job=kind):  # what the job does to an order shows on its timeline as done by this job
                result = job(account=account, client=client, run=run, **options)
        except SecretUnreadable as exc:  # wrong FIELD_ENCRYPTION_KEY: nothing was sent; no pause, no auth alert
            record_credentials_unreadable(account)
            return _finish(run, RunStatus.FAILED, error=str(exc))
        except RmsAuthError as exc:
            if client is not None and function_refused(account, client, exc, kind):
                return alert_failed(_finish(run, RunStatus.FAILED, error=guidance(exc.function) + DETAIL + str(exc)))
            pause_after_auth_failure(account, exc)
            return _finish(run, RunStatus.FAILED, error=_("authentication failed: %(error)s") % {"error": exc})
        except RmsError as exc:
            return alert_failed(_finish(run, RunStatus.FAILED, error=str(exc)))
        except Exception as exc:
            logger.exception("job %s failed for account %s", kind, account.pk)
            return alert_failed(_finish(run, RunStatus.FAILED, error=f"{type(exc).__name__}: {exc}"))
        except BaseException as exc:
            # Django-Q2's timeout is a SystemExit; a worker being stopped is KeyboardInterrupt. Record the
            # run as failed, then let the exception end the task as it meant to.
            _finish(run, RunStatus.FAILED, error=interrupted_reason(exc))
            try:
                alert_interrupted(run)
            except Exception:  # the alert must never hide the interruption itself
                logger.exception("could not alert about interrupted run %s", run.pk)
            raise
        if result.failed:
            return alert_failed(_finish(run, RunStatus.FAILED, summary=result.summary, counts=result.counts,
                                        error=result.error))
        return _finish(run, RunStatus.SUCCESS, summary=result.summary, counts=result.counts, error=result.error)


# Kinds that mail their own, more precise alerts (order fetch: order_fetch_failed; buyer messages:
# message_refused, and the silence check for messages queued too long).
OWN_FAILURE_ALERT = frozenset({"orders", "messages"})


def alert_failed(run: SyncRun) -> SyncRun:
    """Mail "job failed" (throttled hourly per account), so no failing job stays unnoticed until silence."""
    if run.kind not in OWN_FAILURE_ALERT:
        try:
            send_alert(run.account, kind="job_failed",
                       subject=_("A sync job failed: %(job)s") % {"job": run.get_kind_display()},
                       body=_("The %(job)s job of account %(name)s failed and will run again at its next slot.\n\n"
                              "%(error)s") % {"job": run.get_kind_display(), "name": run.account.name,
                                              "error": as_mail(run.error or run.summary)})
        except Exception:  # an alert must never turn a recorded failure into a crash
            logger.exception("could not alert about failed run %s", run.pk)
    return run


def pause_after_auth_failure(account: EcAccount, exc: RmsError) -> bool:
    """Mark the account invalid and pause its jobs; only the first failure sends the alert."""
    reason = auth_failure_reason(account, exc)
    paused_now = pause_for_auth_failure(account, reason)
    if paused_now:
        send_alert(
            account,
            kind="auth_failure",
            subject=_("RMS authentication failed — jobs paused"),
            body=_(
                "RMS refused the credentials of account %(name)s: %(reason)s\n"
                "All automatic jobs of this account are paused. Issue a new licenseKey in RMS if needed and "
                "save the account's serviceSecret and licenseKey again to resume."
            )
            % {"name": account.name, "reason": reason},
            throttle=None,
        )
    return bool(paused_now)


def auth_failure_reason(account: EcAccount, exc: RmsError) -> str:
    """Plain Japanese-first reason: an expired key is the usual cause once 90 days have passed."""
    estimated = account.license_expires_at or account.estimated_license_expiry()
    if estimated is not None and estimated <= timezone.now():
        return _("The licenseKey has expired. Issue a new one in RMS and save it here.")
    return _(
        "RMS rejected the serviceSecret / licenseKey (%(code)s). Check for a typo, a key that is not yet "
        "active (10–30 minutes after issue), or an API function not enabled in RMS."
    ) % {"code": exc.code or exc.http_status or "401"}


def _skipped(account: EcAccount, kind: str, reason: str) -> SyncRun:
    now = timezone.now()
    return SyncRun.objects.create(
        account=account, kind=kind, status=RunStatus.SKIPPED, summary=reason[:500], finished_at=now
    )


def _finish(run: SyncRun, status: str, *, summary: str = "", counts: dict | None = None, error: str = "") -> SyncRun:
    run.status = status
    run.summary = (summary or error)[:500]
    run.counts = counts or {}
    run.error = error
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "summary", "counts", "error", "finished_at"])
    return run
