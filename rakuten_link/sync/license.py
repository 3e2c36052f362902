"""Daily licenseKey check: store the expiry date, remind staff before it, mark the account invalid after."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import EcAccount
from accounts.services import record_license_expiry, record_license_reminders
from rakuten_link.alerts import send_alert
from rakuten_link.functions.records import LICENSE
from rakuten_link.sync.function_check import check_functions
from rakuten_link.sync.runner import JobResult

REMINDER_DAYS = (30, 14, 7, 3, 1)


def check_license(*, account: EcAccount, client, run, **_options) -> JobResult:
    expires_at = client.get_license_expiry()
    record_license_expiry(account, expires_at)
    functions = check_functions(account, client, accepted=(LICENSE,))  # daily: which functions RMS lets this key call
    off = sum(1 for enabled in functions.values() if enabled is False)
    days_left = account.license_days_left
    if expires_at <= timezone.now():
        return JobResult(summary=_("licenseKey expired on %(date)s") % {"date": _local_date(expires_at)},
                         counts={"days_left": days_left, "functions_off": off})
    reminded = send_license_reminder(account)
    summary = _("licenseKey valid until %(date)s (%(days)d days left)") % {
        "date": _local_date(expires_at), "days": days_left,
    }
    return JobResult(summary=summary, counts={"days_left": days_left, "reminder_sent": int(reminded),
                                              "functions_off": off})


def send_license_reminder(account: EcAccount) -> bool:
    """Send the reminder for the nearest threshold crossed, once per threshold and per expiry date.

    A job that did not run for a few days sends one mail for the current threshold, not a backlog.
    """
    days_left, expires_at = account.license_days_left, account.license_expires_at
    if days_left is None or expires_at is None:
        return False
    due = [days for days in REMINDER_DAYS if days_left < days]
    if not due:
        return False
    expiry_key = expires_at.isoformat()
    sent = set(account.license_reminders_sent.get(expiry_key, []))
    threshold = min(due)
    if threshold in sent:
        return False
    record_license_reminders(account, {expiry_key: sorted(sent | set(due))})
    return send_alert(
        account,
        kind=f"license_reminder_{threshold}",
        subject=_("licenseKey expires on %(date)s (%(days)d days left)")
        % {"date": _local_date(expires_at), "days": max(days_left, 0)},
        body=_(
            "The RMS licenseKey of account %(name)s expires on %(date)s.\n"
            "Issue a new licenseKey in RMS (WEB APIサービス → 利用設定) and save it on the account page; "
            "a new key can take 10–30 minutes to become active."
        ) % {"name": account.name, "date": _local_date(expires_at)},
        throttle=None,
    )


def _local_date(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d")
