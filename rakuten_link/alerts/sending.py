"""Sending: every staff alert is mailed here, to the account's alert address through ``EMAIL_URL``.

Each mail says what happened and what to do (the caller's body) and links to the admin page about it
(``SITE_URL``). A throttle keeps a recurring problem to one mail per kind and account per window; a
"resolved" mail ends the window early, so a problem that comes back after its recovery is mailed again.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import EcAccount
from rakuten_link.alerts.kinds import RESOLVABLE, RESOLVED_SUFFIX, base_kind, label_of
from rakuten_link.alerts.links import absolute, alert_path
from rakuten_link.models import AlertLog, OpenAlert

logger = logging.getLogger(__name__)

DEFAULT_THROTTLE = timedelta(hours=1)


def send_alert(account: EcAccount, *, kind: str, subject: str, body: str,
               throttle: timedelta | None = DEFAULT_THROTTLE, link: str | None = None) -> bool:
    """Mail the account's alert address; with a throttle, at most one mail of this kind in that window.

    Returns whether a mail was sent. ``link`` is an admin path (default: the page for the kind). Bodies
    must never contain credentials (callers pass RMS error messages that the client has already redacted).
    """
    recipient = account.alert_email
    if not recipient:
        logger.warning("No alert address for account %s; alert %s not sent", account.pk, kind)
        return False
    with transaction.atomic():
        if throttle is not None and _throttled(account, kind, throttle):
            return False
        AlertLog.objects.create(account=account, kind=kind, subject=subject[:255])
        if base_kind(kind) in RESOLVABLE:
            OpenAlert.objects.get_or_create(account=account, kind=kind)
    _mail(account, subject, body, link or alert_path(account, kind))
    return True


def resolve_alert(account: EcAccount, kind: str, detail: str) -> bool:
    """One "resolved" mail for an open alert of ``kind``; False when none was open.

    Only the caller whose DELETE removed the open row sends it, so two workers never mail it twice.
    """
    opened_at = OpenAlert.objects.filter(account=account, kind=kind).values_list("opened_at", flat=True).first()
    if opened_at is None:
        return False
    deleted, _rows = OpenAlert.objects.filter(account=account, kind=kind).delete()
    if not deleted:
        return False
    subject = _("Resolved: %(label)s") % {"label": label_of(kind)}
    AlertLog.objects.create(account=account, kind=f"{kind}{RESOLVED_SUFFIX}", subject=subject[:255])
    if account.alert_email:
        body = _("The problem alerted at %(time)s is over: %(detail)s\nNothing more needs to be done.") % {
            "time": _local(opened_at), "detail": detail}
        _mail(account, subject, body, alert_path(account, kind))
    return True


def _throttled(account: EcAccount, kind: str, window: timedelta) -> bool:
    """Sent within the window, and not resolved since."""
    last = (AlertLog.objects.filter(account=account, kind=kind, sent_at__gte=timezone.now() - window)
            .order_by("-sent_at").values_list("sent_at", flat=True).first())
    if last is None:
        return False
    return not AlertLog.objects.filter(account=account, kind=f"{kind}{RESOLVED_SUFFIX}", sent_at__gte=last).exists()


def _mail(account: EcAccount, subject: str, body: str, path: str) -> None:
    link = _("Admin page: %(url)s") % {"url": absolute(path)}
    text = f"{body}\n\n{link}"
    full_subject = f"[Rakuten Link] {account.name}: {subject}"
    send_mail(full_subject, text, settings.DEFAULT_FROM_EMAIL, [account.alert_email], fail_silently=True)


def _local(value: datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
