"""E-mail alerts to the account's staff, throttled so a recurring problem does not flood the inbox."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from accounts.models import EcAccount
from rakuten_link.models import AlertLog

logger = logging.getLogger(__name__)


def send_alert(
    account: EcAccount, *, kind: str, subject: str, body: str, throttle: timedelta | None = timedelta(hours=1)
) -> bool:
    """Mail the account's alert address; with a throttle, at most one mail per kind in that window.

    Returns whether a mail was sent. Bodies must never contain credentials (callers pass RMS error
    messages that the client has already redacted).
    """
    recipient = account.alert_email
    if not recipient:
        logger.warning("No alert address for account %s; alert %s not sent", account.pk, kind)
        return False
    with transaction.atomic():
        if throttle is not None:
            since = timezone.now() - throttle
            if AlertLog.objects.filter(account=account, kind=kind, sent_at__gte=since).exists():
                return False
        AlertLog.objects.create(account=account, kind=kind, subject=subject[:255])
    full_subject = f"[Rakuten Link] {account.name}: {subject}"
    send_mail(full_subject, body, settings.DEFAULT_FROM_EMAIL, [recipient], fail_silently=True)
    return True
