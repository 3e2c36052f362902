"""Per-account job leases with a heartbeat: one holder per (account, job), a dead holder blocks briefly.

A lease is a row that expires ``RAKUTEN_LEASE_SECONDS`` (30 s) after its last renewal. While a job
runs, a heartbeat thread renews it every third of that, so a live holder is never overtaken however
long the job takes, and a holder killed outright (SIGKILL, a lost machine) stops renewing and blocks
the next run for at most one lease period. Works the same on SQLite and PostgreSQL: creation races
are settled by the unique constraint, and take-over of an expired lease by a conditional UPDATE that
only one worker can win.
"""

from __future__ import annotations

import logging
import threading
import uuid
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone

from rakuten_link.models import JobLease

logger = logging.getLogger(__name__)


def lease_seconds() -> float:
    return float(settings.RAKUTEN_LEASE_SECONDS)


def acquire_lease(account, kind: str, *, seconds: float | None = None) -> str | None:
    """Return a holder token, or None when another live holder has the lease."""
    token = uuid.uuid4().hex
    expires_at = timezone.now() + timedelta(seconds=seconds or lease_seconds())
    try:
        with transaction.atomic():
            JobLease.objects.create(account=account, kind=kind, holder=token, expires_at=expires_at)
        return token
    except IntegrityError:
        taken = JobLease.objects.filter(account=account, kind=kind, expires_at__lt=timezone.now()).update(
            holder=token, expires_at=expires_at
        )
        return token if taken == 1 else None


def renew_lease(account_id: int, kind: str, token: str, *, seconds: float | None = None) -> bool:
    """Push the expiry forward; False when the lease is no longer ours (it expired and was taken)."""
    expires_at = timezone.now() + timedelta(seconds=seconds or lease_seconds())
    return JobLease.objects.filter(account_id=account_id, kind=kind, holder=token).update(expires_at=expires_at) == 1


def release_lease(account, kind: str, token: str) -> None:
    JobLease.objects.filter(account=account, kind=kind, holder=token).delete()


def accounts_with_live_lease(account_ids, kind: str, *, now=None) -> set[int]:
    """Which of these accounts have a live (unexpired at ``now``) lease on ``kind``: one query for any number."""
    now = now or timezone.now()
    return set(JobLease.objects.filter(account_id__in=list(account_ids), kind=kind, expires_at__gte=now)
               .values_list("account_id", flat=True))


def lease_is_live(account, kind: str) -> bool:
    return bool(accounts_with_live_lease([account.pk], kind))


class Heartbeat(threading.Thread):
    """Renews one lease every ``interval`` seconds until stopped; uses (and closes) its own connection."""

    def __init__(self, account_id: int, kind: str, token: str, seconds: float) -> None:
        super().__init__(name=f"lease-{kind}-{account_id}", daemon=True)
        self.account_id, self.kind, self.token, self.seconds = account_id, kind, token, seconds
        self.interval = max(seconds / 3, 0.1)
        self.lost = False
        self._stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self._stopped.wait(self.interval):
                try:
                    if not renew_lease(self.account_id, self.kind, self.token, seconds=self.seconds):
                        self.lost = True
                        logger.warning("lease %s/%s was lost; another worker may run it now",
                                       self.account_id, self.kind)
                        return
                except DatabaseError:
                    # A busy database delays one beat; the next one (or the lease's slack) covers it.
                    logger.warning("lease %s/%s: heartbeat failed, retrying", self.account_id, self.kind,
                                   exc_info=True)
        finally:
            connection.close()

    def stop(self) -> None:
        self._stopped.set()
        self.join(timeout=self.interval + 1)


@contextmanager
def lease(account, kind: str, *, seconds: float | None = None):
    """Yields the token, or None when the job is already running elsewhere; renews it while held."""
    seconds = seconds or lease_seconds()
    token = acquire_lease(account, kind, seconds=seconds)
    if token is None:
        yield None
        return
    heartbeat = Heartbeat(account.pk, kind, token, seconds)
    heartbeat.start()
    try:
        yield token
    finally:
        heartbeat.stop()
        release_lease(account, kind, token)
