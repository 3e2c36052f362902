"""Checks an account's credentials against RMS when staff save them (bounded, so the admin never hangs)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AccountStatus, EcAccount
from accounts.secrets import SecretUnreadable
from accounts.services import record_check_result, record_check_unreachable, record_credentials_unreadable
from rakuten_link.functions.records import LICENSE, SEARCH_ORDER
from rakuten_link.rms import RmsAuthError, RmsError, RmsRateLimitedError, RmsTransientError
from rakuten_link.sync.clients import client_for
from rakuten_link.sync.function_check import check_functions
from rakuten_link.sync.runner import auth_failure_reason


@dataclass
class CheckOutcome:
    status: str
    reason: str
    reachable: bool = True


def check_account(account: EcAccount) -> CheckOutcome:
    """License expiry first (read-only, and it gives the date); a one-record searchOrder if that is off.

    Accepted credentials are then tried on every function the account's jobs need (the ✓/✗ list).

    A network failure says the check could not be made and leaves the status as it was: an unreachable
    RMS says nothing about the credentials. Credentials the current key cannot decrypt are never sent:
    the account says so instead.
    """
    try:
        client = client_for(account, read_timeout=settings.RMS_CHECK_TIMEOUT / 2, max_retries=0)
    except SecretUnreadable as exc:
        record_credentials_unreadable(account)
        return CheckOutcome(status=AccountStatus.INVALID, reason=str(exc))
    try:
        expires_at = client.get_license_expiry()
    except RmsAuthError as exc:
        return _check_with_search(account, client, exc)
    except (RmsTransientError, RmsRateLimitedError) as exc:
        return _unreachable(account, exc)
    except RmsError as exc:
        return _record(account, AccountStatus.INVALID, _("RMS refused the check: %(error)s") % {"error": exc})
    if expires_at <= timezone.now():
        return _record(account, AccountStatus.INVALID, _("The licenseKey has expired."), expires_at=expires_at)
    check_functions(account, client, accepted=(LICENSE,))
    return _record(account, AccountStatus.VALID, "", expires_at=expires_at)


def _check_with_search(account: EcAccount, client, license_error: RmsError) -> CheckOutcome:
    now = timezone.now()
    try:
        client.search_orders(date_type=1, start=now - timedelta(days=1), end=now, page=1, per_page=1)
    except RmsAuthError as exc:
        return _record(account, AccountStatus.INVALID, auth_failure_reason(account, exc))
    except (RmsTransientError, RmsRateLimitedError) as exc:
        return _unreachable(account, exc)
    except RmsError as exc:
        return _record(account, AccountStatus.INVALID, _("RMS refused the check: %(error)s") % {"error": exc})
    reason = _(
        "The license management API (license.expiryDate.get) is not enabled in RMS, so the expiry date is "
        "estimated as 90 days after the key was saved."
    )
    check_functions(account, client, accepted=(SEARCH_ORDER,))
    return _record(account, AccountStatus.VALID, reason, expires_at=account.estimated_license_expiry())


def _unreachable(account: EcAccount, exc: RmsError) -> CheckOutcome:
    reason = _("Could not reach RMS to check the credentials (%(error)s). Try again later.") % {"error": exc}
    record_check_unreachable(account, reason)
    return CheckOutcome(status=account.status, reason=reason, reachable=False)


def _record(account: EcAccount, status: str, reason: str, *, expires_at=None) -> CheckOutcome:
    record_check_result(account, status, reason, expires_at=expires_at)
    return CheckOutcome(status=status, reason=reason)
