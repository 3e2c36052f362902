"""System check accounts.E001: the stored secrets can be decrypted with the FIELD_ENCRYPTION_KEY in force.

A wrong or rotated key otherwise goes unnoticed until the jobs fail; this stops ``runserver``,
``qcluster``, ``migrate`` and ``check`` at start-up with the names of the accounts concerned (never a
value). ``manage.py rotate_encryption_key`` skips system checks, so it can still repair the data.

It reads the database although Django keeps such checks for ``--database``: an untagged check is the
only kind ``runserver`` and ``qcluster`` run, and starting workers with the wrong key is what it stops.
"""

from __future__ import annotations

from django.core import checks

from .secrets import SECRET_FIELDS, unreadable_fields

CHECK_ID = "accounts.E001"


def unreadable_secrets_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """One error listing every account whose secrets the current key cannot decrypt."""
    from .models import EcAccount

    try:
        accounts = list(EcAccount.objects.only("pk", "name", *SECRET_FIELDS).order_by("name"))
    except Exception:  # noqa: BLE001 - no database yet, not migrated yet, or access forbidden (tests)
        return []  # nothing readable to check; a start-up check must not fail for that
    problems = [(account.name, unreadable_fields(account)) for account in accounts]
    problems = [(name, fields) for name, fields in problems if fields]
    if not problems:
        return []
    names = "; ".join(f"{name} ({', '.join(fields)})" for name, fields in problems)
    return [
        checks.Error(
            f"The stored secrets of {len(problems)} EC account(s) cannot be decrypted with the current "
            f"FIELD_ENCRYPTION_KEY: {names}.",
            hint="Restore the previous key, or run `manage.py rotate_encryption_key --old-key OLD_KEY` with the "
                 "new key in FIELD_ENCRYPTION_KEY, or type those credentials again on the account page. "
                 "See docs/operations.md (The encryption key).",
            id=CHECK_ID,
        )
    ]
