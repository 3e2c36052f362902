"""Every change of an account's status, status reason, job pause and licence expiry happens here.

One writer per state: the credential check, the job runner's auth-failure pause, the daily licence
job, the account form and the admin's pause/resume actions all call these functions, so the rules
(an invalid account is paused once, a saved credential resumes it, a valid check lifts a pause) live
in one place and cannot drift apart. Each function writes only the fields it names, with a
conditional UPDATE where two workers may race.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AccountStatus, EcAccount
from accounts.secrets import UNREADABLE_REASON

REASON_LENGTH = 500


def record_check_result(account: EcAccount, status: str, reason: str = "", *,
                        expires_at: datetime | None = None) -> None:
    """The result of a check against RMS; a valid result lifts a pause left by an earlier auth failure."""
    values = {"status": status, "status_reason": reason[:REASON_LENGTH], "status_checked_at": timezone.now()}
    if expires_at is not None:
        values["license_expires_at"] = expires_at
    if status == AccountStatus.VALID:
        values["jobs_paused"] = False
    _write(account, values)


def record_check_unreachable(account: EcAccount, reason: str) -> None:
    """RMS could not be reached: say so, but keep the status (an unreachable RMS says nothing of the keys)."""
    _write(account, {"status_reason": reason[:REASON_LENGTH], "status_checked_at": timezone.now()})


def pause_for_auth_failure(account: EcAccount, reason: str) -> bool:
    """Mark the account invalid and pause its jobs; True only for the call that paused it (it alerts)."""
    values = {"jobs_paused": True, "status": AccountStatus.INVALID, "status_reason": reason[:REASON_LENGTH],
              "status_checked_at": timezone.now()}
    paused_now = EcAccount.objects.filter(pk=account.pk, jobs_paused=False).update(**values)
    account.refresh_from_db()
    return bool(paused_now)


def record_credentials_unreadable(account: EcAccount) -> None:
    """The stored credentials cannot be decrypted with the key in force: invalid, with that reason.

    Not an RMS verdict, so no pause and no auth-failure alert: the jobs refuse to start while the
    secrets are unreadable, and run again as soon as the previous key is restored (or the credentials
    are typed again). Written only when it changes, since every job run of the account ends here.
    """
    reason = str(UNREADABLE_REASON)[:REASON_LENGTH]
    if account.status == AccountStatus.INVALID and account.status_reason == reason:
        return
    _write(account, {"status": AccountStatus.INVALID, "status_reason": reason, "status_checked_at": timezone.now()})


def reset_for_new_credentials(account: EcAccount) -> None:
    """Credentials typed again: unchecked until the check runs, jobs resumed, licence reminders start over.

    Sets the fields on the unsaved instance: the account form saves them with the new credentials, in
    the same write, so no moment exists where new keys sit beside the old verdict.
    """
    account.credentials_changed_at = timezone.now()
    account.status = AccountStatus.UNCHECKED
    account.status_reason = ""
    account.jobs_paused = False
    account.license_reminders_sent = {}


def pause_messages(account: EcAccount, reason: str) -> bool:
    """The relay refused the SMTP AUTH login: no buyer message goes out until the password is saved again.

    True only for the call that paused (it alerts); the reason is shown as the account's status reason.
    """
    paused_now = EcAccount.objects.filter(pk=account.pk, messages_paused=False).update(
        messages_paused=True, status_reason=reason[:REASON_LENGTH], updated_at=timezone.now())
    account.refresh_from_db()
    return bool(paused_now)


def resume_messages(account: EcAccount) -> None:
    """A new SMTP AUTH password was typed: set on the unsaved instance, saved with it by the account form."""
    account.messages_paused = False


def record_license_expiry(account: EcAccount, expires_at: datetime) -> None:
    """The expiry date RMS reports; an expired key makes the account invalid."""
    if expires_at <= timezone.now():
        record_check_result(account, AccountStatus.INVALID, _("The licenseKey has expired."), expires_at=expires_at)
    elif account.status != AccountStatus.VALID:
        record_check_result(account, AccountStatus.VALID, "", expires_at=expires_at)
    else:
        _write(account, {"license_expires_at": expires_at})


def record_license_reminders(account: EcAccount, sent: dict[str, list[int]]) -> None:
    """Which reminder thresholds were mailed, per expiry date (so each is mailed once)."""
    _write(account, {"license_reminders_sent": sent})


def pause_jobs(account: EcAccount, reason: str) -> None:
    """A person pauses the account's automatic jobs (e.g. while fixing mappings)."""
    _write(account, {"jobs_paused": True, "status_reason": reason[:REASON_LENGTH]})


def resume_jobs(account: EcAccount) -> None:
    """A person resumes the jobs; a still-bad credential pauses them again at the next run."""
    _write(account, {"jobs_paused": False})


def _write(account: EcAccount, values: dict) -> None:
    EcAccount.objects.filter(pk=account.pk).update(updated_at=timezone.now(), **values)
    for name, value in values.items():
        setattr(account, name, value)
