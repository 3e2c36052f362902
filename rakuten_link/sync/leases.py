"""Per-account job leases: a row per (account, job) that only one holder may own until it expires.

Works the same on SQLite and PostgreSQL: creation races are settled by the unique constraint, and
take-over of an expired lease by a conditional UPDATE that only one worker can win.
"""

from __future__ import annotations

import uuid
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from rakuten_link.models import JobLease


def acquire_lease(account, kind: str, *, seconds: int | None = None) -> str | None:
    """Return a holder token, or None when another live holder has the lease."""
    token = uuid.uuid4().hex
    expires_at = timezone.now() + timedelta(seconds=seconds or settings.RAKUTEN_LEASE_SECONDS)
    try:
        with transaction.atomic():
            JobLease.objects.create(account=account, kind=kind, holder=token, expires_at=expires_at)
        return token
    except IntegrityError:
        taken = JobLease.objects.filter(account=account, kind=kind, expires_at__lt=timezone.now()).update(
            holder=token, expires_at=expires_at
        )
        return token if taken == 1 else None


def release_lease(account, kind: str, token: str) -> None:
    JobLease.objects.filter(account=account, kind=kind, holder=token).delete()


@contextmanager
def lease(account, kind: str, *, seconds: int | None = None):
    """Yields the token, or None when the job is already running elsewhere."""
    token = acquire_lease(account, kind, seconds=seconds)
    try:
        yield token
    finally:
        if token:
            release_lease(account, kind, token)
