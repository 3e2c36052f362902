"""Thin Django-Q2 entry points (dotted paths referenced by the schedules)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_q.tasks import async_task

from accounts.models import EcAccount

from .models import AlertLog, ApiCall, SyncRun
from .sync.jobs import accounts_for, run_account_job


def dispatch(kind: str) -> str:
    """Scheduled entry: one queued task per account, so accounts run side by side on several workers."""
    ids = list(accounts_for(kind).values_list("pk", flat=True))
    for account_id in ids:
        async_task("rakuten_link.tasks.run_for_account", account_id, kind, task_name=f"{kind}-{account_id}"[:100])
    return f"{kind}: queued for {len(ids)} account(s)"


def run_for_account(account_id: int, kind: str, **options) -> str:
    account = EcAccount.objects.get(pk=account_id)
    run = run_account_job(account, kind, **options)
    return f"{account.name} {kind} {run.status}: {run.summary}"


def prune_logs() -> str:
    """SyncRun, ApiCall and alert rows older than the retention window (30 days by default)."""
    cutoff = timezone.now() - timedelta(days=settings.RAKUTEN_LOG_RETENTION_DAYS)
    calls, _ = ApiCall.objects.filter(created_at__lt=cutoff).delete()
    runs, _ = SyncRun.objects.filter(started_at__lt=cutoff).delete()
    alerts, _ = AlertLog.objects.filter(sent_at__lt=cutoff).delete()
    return f"pruned {runs} runs, {calls} API calls, {alerts} alerts"
