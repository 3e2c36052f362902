"""Who the audit trail and the stock ledger name when no one signed in: a staff member named on a command
line, or an inactive user standing for a machine actor (an API token, a command run by a script)."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.management.base import CommandError


def machine_user(username: str) -> User:
    """The inactive user named ``username`` (made on first use, with no usable password): it can never sign in,
    yet the ledger and audit entries of what it did name it, and a later actor of the same name shares them."""
    user, created = User.objects.get_or_create(username=username, defaults={"is_active": False})
    if created or user.has_usable_password():
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def named_staff_user(username: str) -> User:
    """The staff user a command's ``--user`` names; a name that is not one stops the command."""
    user = User.objects.filter(username=username, is_staff=True).first()
    if user is None:
        raise CommandError(f"no staff user named {username!r}")
    return user
