"""Bookkeeping that makes event-driven pushes lossless: pending SKUs, their claims, the debounce marker.

The protocol (see rakuten_link/tasks.py, push_after_debounce, for the task side):
1. A stock movement adds a PendingInventoryPush row per (account, SKU), then tries to *arm* the
   account's marker with a conditional UPDATE; only the caller that arms it enqueues a task.
2. The task sleeps until due_at (and, if another inventory job holds the lease, until it ends — still
   armed), *disarms* the marker, and only then runs the push, which claims the pending rows before it
   reads any stock. A movement committed after the disarm either is claimed by this push (and so was
   visible to its stock read) or stays pending and finds the marker disarmed, enqueuing the next push.
3. A push deletes its claimed rows when it succeeds and hands them back when it fails.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from rakuten_link.models import InventoryPushMarker, PendingInventoryPush

logger = logging.getLogger(__name__)

PUSH_TASK = "rakuten_link.tasks.push_after_debounce"
# An armed marker older than this is taken to belong to a lost task (a worker died): re-arm it.
# A second task in the rare false case is harmless: the lease serialises pushes, the later one finds nothing.
STALE_ARM_SECONDS = 60


def debounce_seconds() -> float:
    return settings.RAKUTEN_PUSH_DEBOUNCE_SECONDS


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


def arm_marker(account_id: int) -> bool:
    """True when this call armed the marker (and so must enqueue the push task)."""
    now = timezone.now()
    values = {"armed_at": now, "due_at": now + timedelta(seconds=debounce_seconds())}
    stale = now - timedelta(seconds=STALE_ARM_SECONDS)
    idle = Q(armed_at__isnull=True) | Q(armed_at__lt=stale)
    if InventoryPushMarker.objects.filter(idle, account_id=account_id).update(**values):
        return True
    _marker, created = InventoryPushMarker.objects.get_or_create(account_id=account_id, defaults=values)
    return created


def keep_armed(account_id: int) -> None:
    """A task still waiting to push refreshes its marker, so nobody mistakes it for a lost one."""
    now = timezone.now()
    InventoryPushMarker.objects.filter(account_id=account_id).update(armed_at=now)


def disarm_marker(account_id: int) -> None:
    InventoryPushMarker.objects.filter(account_id=account_id).update(armed_at=None)


def seconds_until_due(account_id: int) -> float:
    due_at = InventoryPushMarker.objects.filter(account_id=account_id).values_list("due_at", flat=True).first()
    if due_at is None:
        return 0.0
    return max(0.0, min(debounce_seconds(), (due_at - timezone.now()).total_seconds()))


def request_push(pairs: Iterable[tuple[int, int]]) -> list[int]:
    """Queue (account_id, sku_id) pairs for a debounced push; returns the accounts a task was enqueued for."""
    pairs = set(pairs)
    if not pairs:
        return []
    add_pending(pairs)
    enqueued = []
    for account_id in sorted({account_id for account_id, _sku in pairs}):
        if arm_marker(account_id):
            enqueue_push(account_id)
            enqueued.append(account_id)
    return enqueued


def enqueue_push(account_id: int) -> None:
    from django_q.tasks import async_task

    try:
        async_task(PUSH_TASK, account_id, task_name=f"inventory-push-{account_id}")
    except Exception:
        # The broker is down: disarm so the next movement tries again; the schedule catches up meanwhile.
        disarm_marker(account_id)
        raise
