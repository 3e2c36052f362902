"""Event-driven pushes that never wait on a worker: pending SKUs are rows, a push is queued only by a claim.

1. A stock movement (after its commit) adds a PendingInventoryPush row per (account, SKU), then tries
   to *claim* the account's InventoryPushClaim with one conditional UPDATE (healthchecks' sendalerts
   pattern). It wins only when no push of the account is queued or running (the claim is free or expired),
   the pacing allows a start now, and no other inventory job holds the lease. Only the winner queues a
   push task; the rows of a loser simply wait.
2. The task confirms the claim before it touches anything: it moves ``next_start_at`` one pacing interval
   on and shortens the claim to ``RAKUTEN_PUSH_CLAIM_SECONDS``. It pushes under the inventory job lease,
   held for that same short time and renewed by the lease's heartbeat, so a live push is never overtaken
   and a killed one frees the account within seconds. It never sleeps: what it cannot do now it leaves.
3. When the push ends the task releases the claim and claims again if rows are waiting and the pacing
   already allows it; otherwise ``rakuten_poll`` (every ``RAKUTEN_PUSH_POLL_SECONDS``) claims them the
   moment they are due. A failed push hands its rows back and the next start moves RETRY_SECONDS on.
A movement committed during a push either was claimed by it (and so was visible to its stock read) or
stays pending for the next one. The every-minute scheduled push, under the same lease, is the safety net.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import timedelta
from typing import cast

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.models import EcAccount
from rakuten_link.models import InventoryPushClaim, JobKind, JobLease, PendingInventoryPush
from rakuten_link.rms.ratelimit import slot_seconds

PUSH_TASK = "rakuten_link.tasks.push_pending"
QUEUED_CLAIM_SECONDS = 60  # a queued task not started by then is taken for lost (a broker that dropped it)
RETRY_SECONDS = 10  # after a failed push: RMS is not asked again every pacing interval while it is down


def pacing_seconds() -> float:
    """The least time between the starts of two pushes of one account.

    ``RAKUTEN_PUSH_PACING_SECONDS`` when set, else one slot of the inventory-write rate limit (RMS allows
    about one bulk upsert per second per shop), so a push never waits on the client's rate limiter.
    """
    if settings.RAKUTEN_PUSH_PACING_SECONDS is not None:
        return settings.RAKUTEN_PUSH_PACING_SECONDS
    return slot_seconds(settings.RMS_RATE_LIMITS, "inventory_write")


def claim_seconds() -> float:
    """How long a started push holds its claim and lease without a heartbeat before another may take over."""
    return float(settings.RAKUTEN_PUSH_CLAIM_SECONDS)


def add_pending(pairs: Iterable[tuple[int, int]]) -> None:
    rows = [PendingInventoryPush(account_id=account_id, sku_id=sku_id) for account_id, sku_id in pairs]
    PendingInventoryPush.objects.bulk_create(rows, batch_size=500)


def claim_pending(account_id: int) -> str:
    """Mark every pending row of the account as ours; rows added later stay unclaimed for the next push.

    Rows left claimed by a crashed push are taken too: the job lease guarantees no other push runs.
    """
    token = uuid.uuid4().hex
    PendingInventoryPush.objects.filter(account_id=account_id).update(claim=token)
    return token


def claimed_sku_ids(account_id: int, token: str) -> QuerySet:
    """A subquery (never a Python list), so 10,000 pending SKUs cost one IN (SELECT …) clause."""
    return PendingInventoryPush.objects.filter(account_id=account_id, claim=token).values("sku_id")


def release_claim(account_id: int, token: str, *, done: bool) -> None:
    """Delete the claimed rows after a push, or hand them back to the next one after a failure."""
    claimed = PendingInventoryPush.objects.filter(account_id=account_id, claim=token)
    if done:
        claimed.delete()
    else:
        claimed.update(claim="")


def _due(now) -> Q:
    """Free (or expired), paced, no inventory job running, pending rows older than the optional debounce."""
    live_lease = JobLease.objects.filter(account_id=OuterRef("account_id"), kind=JobKind.INVENTORY,
                                         expires_at__gte=now)
    quiet_since = now - timedelta(seconds=settings.RAKUTEN_PUSH_DEBOUNCE_SECONDS)
    waiting = PendingInventoryPush.objects.filter(account_id=OuterRef("account_id"), created_at__lte=quiet_since)
    pushing = EcAccount.objects.filter(pk=OuterRef("account_id"), job_push_inventory=True, jobs_paused=False)
    # Subqueries, never a join: the UPDATE stays a plain one whose row conditions PostgreSQL re-checks on the
    # row a concurrent claimer just changed (a join would become "id IN (SELECT …)", read from an older snapshot).
    # django-stubs types Q & Exists as a Combinable; at run time it is a Q.
    return cast(Q, (Q(claimed_by="") | Q(expires_at__lt=now)) & (Q(next_start_at__isnull=True)
                                                                 | Q(next_start_at__lte=now))
                & Exists(pushing) & Exists(waiting) & ~Exists(live_lease))


def due_accounts() -> list[int]:
    """rakuten_poll's check, ten times a second: nothing pending (the usual case) costs one trivial indexed read
    (0.07 ms; the full condition costs 1.4 ms of CPU, too much for every tick), and nothing is ever written."""
    if not PendingInventoryPush.objects.exists():
        return []
    return list(InventoryPushClaim.objects.filter(_due(timezone.now())).values_list("account_id", flat=True))


def claim(account_ids: Iterable[int]) -> tuple[str, list[int]]:
    """Claim the accounts that are due with one conditional UPDATE; returns the token and those won.

    An idle account costs that one statement; the claim row of an account that has none yet is made here.
    """
    account_ids, token = sorted(set(account_ids)), uuid.uuid4().hex
    won = _claim(account_ids, token)
    if won < len(account_ids):  # busy, not due, or no claim row yet
        have = InventoryPushClaim.objects.filter(account_id__in=account_ids).values_list("account_id", flat=True)
        if missing := sorted(set(account_ids) - set(have)):
            InventoryPushClaim.objects.bulk_create([InventoryPushClaim(account_id=pk) for pk in missing],
                                                   ignore_conflicts=True)
            won += _claim(missing, token)
    if won == len(account_ids):
        return token, account_ids
    if not won:
        return token, []
    return token, list(InventoryPushClaim.objects.filter(claimed_by=token).values_list("account_id", flat=True))


def _claim(account_ids: list[int], token: str) -> int:
    if not account_ids:
        return 0
    now = timezone.now()
    return InventoryPushClaim.objects.filter(_due(now), account_id__in=account_ids).update(
        claimed_by=token, expires_at=now + timedelta(seconds=QUEUED_CLAIM_SECONDS))


def start(account_id: int, token: str) -> bool:
    """The task's first step: True when the claim is still ``token``'s; the pacing and the short expiry start now.

    An expired claim is refused even with the right token: it is a task run again after its worker died
    (the broker redelivers it), and the dead push may still hold the lease; the task then claims afresh.
    """
    now = timezone.now()
    return InventoryPushClaim.objects.filter(account_id=account_id, claimed_by=token, expires_at__gte=now).update(
        expires_at=now + timedelta(seconds=claim_seconds()),
        next_start_at=now + timedelta(seconds=pacing_seconds())) == 1


def release(account_id: int, token: str, *, failed: bool = False) -> None:
    """Free the account for the next push; after a failure that push waits RETRY_SECONDS."""
    changes: dict = {"claimed_by": "", "expires_at": None}
    if failed:
        changes["next_start_at"] = timezone.now() + timedelta(seconds=RETRY_SECONDS)
    InventoryPushClaim.objects.filter(account_id=account_id, claimed_by=token).update(**changes)


def claim_and_queue(account_ids: Iterable[int]) -> list[int]:
    """Queue exactly one push for each account won; a claim whose task cannot be queued is released."""
    token, won = claim(account_ids)
    for account_id in won:
        try:
            enqueue_push(account_id, token)
        except Exception:
            release(account_id, token)  # the broker is down: the next movement or poll tries again
            raise
    return won


def request_push(pairs: Iterable[tuple[int, int]]) -> list[int]:
    """Record (account_id, sku_id) pairs as pending and queue a push where one may start now (the leading edge)."""
    pairs = set(pairs)
    if not pairs:
        return []
    add_pending(pairs)
    return claim_and_queue(account_id for account_id, _sku in pairs)


def enqueue_push(account_id: int, token: str) -> None:
    from django_q.tasks import async_task

    async_task(PUSH_TASK, account_id, token, task_name=f"inventory-push-{account_id}")
