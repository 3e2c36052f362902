"""Bookkeeping that makes event-driven pushes lossless and prompt: pending SKUs, their claims, the marker.

The protocol (see rakuten_link/tasks.py, push_after_debounce, for the task side):
1. A stock movement adds a PendingInventoryPush row per (account, SKU), then tries to *arm* the
   account's marker with a conditional UPDATE; only the caller that arms it enqueues a task.
2. The marker's ``due_at`` says when that task may push: at once after a quiet period (the leading
   edge), otherwise one pacing interval after the previous push started, so changes that arrive while a
   push is in flight, or right after it, are gathered into the next push and the shop's inventory rate
   limit is never exceeded. ``RAKUTEN_PUSH_DEBOUNCE_SECONDS`` (default 0) adds an optional wait.
3. The task sleeps until due_at (and, if another inventory job holds the lease, until it ends — still
   armed), then *starts* the push: disarms the marker and moves due_at one pacing interval on, and only
   then claims the pending rows and reads the stock. A movement committed after that point either is
   claimed by this push (and so was visible to its stock read) or stays pending and finds the marker
   disarmed, enqueuing the next push, due when the pacing allows.
4. A push deletes its claimed rows when it succeeds and hands them back when it fails.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.db.models import DateTimeField, F, Q, QuerySet, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from rakuten_link.models import InventoryPushMarker, PendingInventoryPush
from rakuten_link.rms.ratelimit import slot_seconds

logger = logging.getLogger(__name__)

PUSH_TASK = "rakuten_link.tasks.push_after_debounce"
# An armed marker older than this is taken to belong to a lost task (a worker died): re-arm it.
# A second task in the rare false case is harmless: the lease serialises pushes, the later one finds nothing.
STALE_ARM_SECONDS = 60


def debounce_seconds() -> float:
    """An optional wait after the first change (0: push at once, the leading edge)."""
    return settings.RAKUTEN_PUSH_DEBOUNCE_SECONDS


def pacing_seconds() -> float:
    """The least time between the starts of two pushes of one account.

    ``RAKUTEN_PUSH_PACING_SECONDS`` when set, else one slot of the inventory-write rate limit (RMS allows
    about one bulk upsert per second per shop), so a push never waits on the client's rate limiter.
    """
    if settings.RAKUTEN_PUSH_PACING_SECONDS is not None:
        return settings.RAKUTEN_PUSH_PACING_SECONDS
    return slot_seconds(settings.RMS_RATE_LIMITS, "inventory_write")


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
    """True when this call armed the marker (and so must enqueue the push task).

    The push is due now (plus the optional debounce), but never before the pacing interval after the
    previous push started (the due_at that push left behind).
    """
    now = timezone.now()
    earliest = now + timedelta(seconds=debounce_seconds())
    due_at = Greatest(Coalesce(F("due_at"), Value(earliest)), Value(earliest), output_field=DateTimeField())
    stale = now - timedelta(seconds=STALE_ARM_SECONDS)
    idle = Q(armed_at__isnull=True) | Q(armed_at__lt=stale)
    if InventoryPushMarker.objects.filter(idle, account_id=account_id).update(armed_at=now, due_at=due_at):
        return True
    _marker, created = InventoryPushMarker.objects.get_or_create(
        account_id=account_id, defaults={"armed_at": now, "due_at": earliest})
    return created


def keep_armed(account_id: int) -> None:
    """A task still waiting to push refreshes its marker, so nobody mistakes it for a lost one."""
    now = timezone.now()
    InventoryPushMarker.objects.filter(account_id=account_id).update(armed_at=now)


def disarm_marker(account_id: int) -> None:
    """No push follows (the account is off, the broker is down): the next movement arms it again."""
    InventoryPushMarker.objects.filter(account_id=account_id).update(armed_at=None)


def start_push(account_id: int) -> None:
    """Called just before a push claims anything: disarm, and make the next push due a pacing interval on."""
    next_due = timezone.now() + timedelta(seconds=pacing_seconds())
    InventoryPushMarker.objects.filter(account_id=account_id).update(armed_at=None, due_at=next_due)


def seconds_until_due(account_id: int) -> float:
    """How long the task waits; bounded, so a clock step or a stale due_at never holds a worker for long."""
    due_at = InventoryPushMarker.objects.filter(account_id=account_id).values_list("due_at", flat=True).first()
    if due_at is None:
        return 0.0
    longest = debounce_seconds() + pacing_seconds()
    return max(0.0, min(longest, (due_at - timezone.now()).total_seconds()))


def request_push(pairs: Iterable[tuple[int, int]]) -> list[int]:
    """Queue (account_id, sku_id) pairs for a push; returns the accounts a task was enqueued for."""
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
