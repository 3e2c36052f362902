"""Events → outbox rows (WebhookDelivery), written inside the transaction that makes the event.

The apps below tell us through signals sent inside their transactions (orders.signals.order_steps,
inventory.signals.stock_levels_written) and through SyncRun's post_save, so an event and its deliveries
commit together or not at all: a receiver that is down loses nothing, and a rolled-back change sends nothing.
After the commit a delivery task is queued at once; the every-minute schedule retries the rest.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from inventory.models import Sku, Store
from inventory.signals import stock_levels_written
from orders.models import EventKind, Order
from orders.signals import order_steps
from rakuten_link.models import SyncRun

from .models import HookEvent, SkuStockThreshold, WebhookDelivery, WebhookEndpoint

DELIVER_TASK = "api.delivery.deliver_due"
QUIET_KINDS = {EventKind.MESSAGE_QUEUED, EventKind.MESSAGE_SENT, EventKind.MESSAGE_FAILED}
BY_KIND = {EventKind.FETCHED: HookEvent.ORDER_CREATED, EventKind.CANCELLED: HookEvent.ORDER_CANCELLED,
           EventKind.SHIPMENT_REPORTED: HookEvent.SHIPMENT_REPORTED}


def _endpoints(event: str) -> list[WebhookEndpoint]:
    return [e for e in WebhookEndpoint.objects.filter(active=True).defer("secret") if event in e.events]


def enqueue(rows: list[tuple[str, dict[str, Any]]]) -> int:
    """(event, data) pairs → one delivery per subscribed endpoint; the delivery task is queued after commit."""
    endpoints = list(WebhookEndpoint.objects.filter(active=True).defer("secret"))
    now = timezone.now()
    deliveries = []
    for event, data in rows:
        for endpoint in endpoints:
            if event in endpoint.events:
                event_id = uuid.uuid4()
                payload = {"id": str(event_id), "event": event, "created_at": now.isoformat(), "data": data}
                deliveries.append(WebhookDelivery(endpoint=endpoint, event=event, event_id=event_id, payload=payload,
                                                  created_at=now, next_attempt_at=now))
    if deliveries:
        WebhookDelivery.objects.bulk_create(deliveries)
        transaction.on_commit(_queue_delivery)
    return len(deliveries)


def _queue_delivery() -> None:
    from django_q.tasks import async_task

    async_task(DELIVER_TASK, task_name="webhooks: deliver")


@receiver(order_steps, dispatch_uid="api.hooks.order_steps")
def order_steps_to_hooks(sender, steps=(), **_kwargs) -> None:
    if not WebhookEndpoint.objects.filter(active=True).exists():
        return
    events: dict[int, dict[str, list]] = {}
    for order_id, kind, data in steps:
        if kind in QUIET_KINDS:
            continue
        hook = str(BY_KIND.get(kind, HookEvent.ORDER_CHANGED))
        events.setdefault(order_id, {}).setdefault(hook, []).append({"step": kind, **(data or {})})
    if not events:
        return
    orders = Order.objects.select_related("account").only(
        "order_number", "state", "order_progress", "updated_at", "account__name").in_bulk(list(events))
    rows = []
    for order_id, by_event in events.items():
        order = orders.get(order_id)
        if order is None:
            continue
        if HookEvent.ORDER_CREATED in by_event:  # a new order's other steps are part of its creation
            by_event.pop(HookEvent.ORDER_CHANGED, None)
        for name, steps_of in by_event.items():
            rows.append((str(name), {"order_number": order.order_number, "account": order.account.name,
                                      "state": order.state, "rakuten_status": order.order_progress,
                                      "steps": steps_of}))
    enqueue(rows)


@receiver(stock_levels_written, dispatch_uid="api.hooks.stock_low")
def stock_low(sender, changes=(), **_kwargs) -> None:
    endpoints = _endpoints(HookEvent.STOCK_LOW)
    if not endpoints:
        return
    thresholds = dict(SkuStockThreshold.objects.filter(sku_id__in={c[1] for c in changes})
                      .values_list("sku_id", "below"))
    crossing = set()
    for endpoint in endpoints:
        for store_id, sku_id, before, after in changes:
            below = thresholds.get(sku_id, endpoint.stock_low_below)
            if before >= below > after:
                crossing.add((store_id, sku_id, after, below))
    if not crossing:
        return
    skus = Sku.objects.in_bulk({c[1] for c in crossing})
    stores = Store.objects.in_bulk({c[0] for c in crossing})
    enqueue([(HookEvent.STOCK_LOW, {"sku": skus[sku].code, "store": stores[store].code, "available": after,
                                    "threshold": below}) for store, sku, after, below in sorted(crossing)])


@receiver(post_save, sender=SyncRun, dispatch_uid="api.hooks.sync_failed")
def sync_failed(sender, instance: SyncRun, created=False, update_fields=None, raw=False, **_kwargs) -> None:
    """A run saved as failed (the runner's last save names the status). The error is the run's own text,
    which the client has already cleared of credentials."""
    if raw or instance.status != "failed" or (update_fields is not None and "status" not in update_fields):
        return
    if not _endpoints(HookEvent.SYNC_FAILED):
        return
    enqueue([(HookEvent.SYNC_FAILED, {"account": instance.account.name if instance.account_id else None,
                                      "job": instance.kind, "run": instance.pk, "error": (instance.error or "")[:500],
                                      "finished_at": instance.finished_at.isoformat() if instance.finished_at
                                      else None})])
