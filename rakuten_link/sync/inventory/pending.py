"""Event-driven pushes that never hold a worker: pending SKUs are rows, a push is queued only by a claim.

1. A stock movement (after its commit) adds a PendingInventoryPush row per (account, SKU), then tries
   to *claim* the account's InventoryPushClaim with one conditional UPDATE (healthchecks' sendalerts
   pattern). It wins only when no push of the account is queued or running (the claim is free or expired),
   the pacing allows a start within the claim lead, and no other inventory job holds the lease. Only the
   winner queues a push task; the rows of a loser simply wait.
2. The task confirms the claim before it touches anything: it takes the start slot (now, or the paced start
   when the claim came early), moves ``next_start_at`` one pacing interval past it and shortens the claim to
   ``RAKUTEN_PUSH_CLAIM_SECONDS``. It waits out what is left of the lead (at most ``claim_lead_seconds()``,
   a fraction of a second: the broker's delay it was claimed early for) and pushes under the inventory job
   lease, held for that same short time and renewed by the lease's heartbeat, so a live push is never
   overtaken and a killed one frees the account within seconds. What it cannot do now it leaves.
3. When the push ends the task releases the claim and claims again if rows are waiting and the pacing
   allows it within the lead; otherwise ``rakuten_poll`` (every ``RAKUTEN_PUSH_POLL_SECONDS``) claims them
   the moment they are. A failed push hands its rows back and the next start moves RETRY_SECONDS on.
A movement committed during a push either was claimed by it (and so was visible to its stock read) or
stays pending for the next one. The every-minute scheduled push, under the same lease, is the safety net.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import timedelta
from typing import cast

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Coalesce, Greatest
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


def claim_lead_seconds() -> float:
    """How early a push may be claimed: the queue's delay, so pushes keep to the pacing instead of pacing + delay.

    ``RAKUTEN_PUSH_CLAIM_LEAD_SECONDS`` when set, else rakuten_poll's tick plus the ORM broker's poll (a Redis
    broker hands a task over at once); never more than a quarter of the pacing.
    """
    lead = settings.RAKUTEN_PUSH_CLAIM_LEAD_SECONDS
    if lead is None:
        broker_poll = float(settings.Q_CLUSTER.get("poll", 0.2)) if "orm" in settings.Q_CLUSTER else 0.0
        lead = settings.RAKUTEN_PUSH_POLL_SECONDS + broker_poll
    return max(0.0, min(float(lead), pacing_seconds() / 4))


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
    """Free (or expired), paced (within the lead), no inventory job running, pending rows past the debounce."""
    live_lease = JobLease.objects.filter(account_id=OuterRef("account_id"), kind=JobKind.INVENTORY,
                                         expires_at__gte=now)
    quiet_since = now - timedelta(seconds=settings.RAKUTEN_PUSH_DEBOUNCE_SECONDS)
    waiting = PendingInventoryPush.objects.filter(account_id=OuterRef("account_id"), created_at__lte=quiet_since)
    pushing = EcAccount.objects.filter(pk=OuterRef("account_id"), job_push_inventory=True, jobs_paused=False)
    # Subqueries, never a join: the UPDATE stays a plain one whose row conditions PostgreSQL re-checks on the
    # row a concurrent claimer just changed (a join would become "id IN (SELECT …)", read from an older snapshot).
    # django-stubs types Q & Exists as a Combinable; at run time it is a Q.
    paced = Q(next_start_at__isnull=True) | Q(next_start_at__lte=now + timedelta(seconds=claim_lead_seconds()))
    return cast(Q, (Q(claimed_by="") | Q(expires_at__lt=now)) & paced
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


def start(account_id: int, token: str) -> float | None:
    """The task's first step: the seconds to wait for its slot when the claim is still ``token``'s, else None.

    The slot is now, or the paced start when the claim came early (at most the lead ahead). The pacing and the
    short expiry count from the slot. An expired claim is refused even with the right token: it is a task run
    again after its worker died (the broker redelivers it), and the dead push may still hold the lease; the
    task then claims afresh.
    """
    now = timezone.now()
    live = InventoryPushClaim.objects.filter(account_id=account_id, claimed_by=token, expires_at__gte=now)
    paced = live.values_list("next_start_at", flat=True).first()
    if paced is None and not live.exists():
        return None
    slot = max(now, min(paced or now, now + timedelta(seconds=claim_lead_seconds())))
    started = live.update(expires_at=slot + timedelta(seconds=claim_seconds()),
                          next_start_at=slot + timedelta(seconds=pacing_seconds()))
    return (slot - now).total_seconds() if started == 1 else None


def release(account_id: int, token: str, *, failed: bool = False, last_call_sent_at=None) -> None:
    """Free the account for the next push; after a failure that push waits RETRY_SECONDS.

    ``last_call_sent_at`` (when this push's last RMS call left) keeps the next call a pacing interval after it:
    the pacing counted from the slot alone would let a slow start followed by a quick one come closer.
    """
    changes: dict = {"claimed_by": "", "expires_at": None}
    if failed:
        changes["next_start_at"] = timezone.now() + timedelta(seconds=RETRY_SECONDS)
    elif last_call_sent_at is not None:
        after_call = last_call_sent_at + timedelta(seconds=pacing_seconds())
        changes["next_start_at"] = Greatest(Coalesce("next_start_at", Value(after_call)), Value(after_call))
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
