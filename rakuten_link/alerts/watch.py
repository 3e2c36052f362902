"""The minute check: silence alerts and "resolved" mails, from the registries in silence.py and recovery.py."""

from __future__ import annotations

import logging
from datetime import datetime

from django.utils import timezone

from accounts.models import EcAccount
from rakuten_link.alerts.recovery import RECOVERIES
from rakuten_link.alerts.sending import resolve_alert, send_alert
from rakuten_link.alerts.silence import SILENCE_CHECKS
from rakuten_link.models import OpenAlert

logger = logging.getLogger(__name__)


def check_alerts(now: datetime | None = None) -> tuple[int, int]:
    """Run every check once; returns (alerts sent, alerts resolved)."""
    now = now or timezone.now()
    sent = resolved = 0
    for check in SILENCE_CHECKS:
        verdict = check.verdict(now)
        accounts = EcAccount.objects.in_bulk(list(verdict.silent))
        for account_id, silence in verdict.silent.items():
            account = accounts[account_id]
            if account.alert_email:  # without an address there is no mail, and so nothing to resolve later
                sent += send_alert(account, kind=check.kind, subject=silence.subject, body=silence.body)
        resolved += _resolve(check.kind, verdict.healthy)
    for recovery in RECOVERIES:
        opened = dict(OpenAlert.objects.filter(kind=recovery.kind).values_list("account_id", "opened_at"))
        if opened:
            resolved += _resolve(recovery.kind, recovery.recovered(opened))
    return sent, resolved


def _resolve(kind: str, recovered: dict[int, str]) -> int:
    """Resolve the open alerts of ``kind`` among the recovered accounts (one query when none is open)."""
    open_ids = list(OpenAlert.objects.filter(kind=kind, account_id__in=list(recovered))
                    .values_list("account_id", flat=True))
    count = 0
    for account in EcAccount.objects.filter(pk__in=open_ids):
        count += resolve_alert(account, kind, recovered[account.pk])
    return count
