"""Sending the outbox: signed POSTs, retried with backoff for a day, then given up and alerted.

Each request carries ``X-Webhook-Timestamp`` (Unix seconds) and ``X-Webhook-Signature: v1=<hex>``, the
HMAC-SHA256 of ``<timestamp>.<body>`` under the endpoint's secret, so the receiver can check both the body and
its age (and refuse a replay). A row is claimed before its POST (``next_attempt_at`` moved past the
request's timeout), so two workers never send it at once; a worker that dies mid-call leaves it to be sent
again after the claim runs out: receivers dedupe on ``X-Webhook-Delivery`` (the event id).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from datetime import timedelta

import requests
from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from .models import DeliveryStatus, WebhookDelivery
from .urlcheck import UrlRefused, check_url

logger = logging.getLogger(__name__)
TIMEOUT = (5, 10)  # connect, read (seconds)
CLAIM = timedelta(seconds=60)
BATCH = 100
FIRST_RETRY_S, LONGEST_RETRY_S = 30, 3600


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"v1={mac}"


def deliver_due(limit: int = BATCH) -> dict[str, int]:
    """The task (queued after each event's commit, and every minute): send what is due, oldest first."""
    counts = {"delivered": 0, "failed": 0, "dead": 0}
    now = timezone.now()
    due = list(WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
               .select_related("endpoint").order_by("next_attempt_at", "pk")[:limit])
    for delivery in due:
        claimed = WebhookDelivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.PENDING,
                                                 next_attempt_at=delivery.next_attempt_at).update(
            next_attempt_at=now + CLAIM)
        if claimed:
            counts[send(delivery)] += 1
    return counts


def send(delivery: WebhookDelivery) -> str:
    endpoint = delivery.endpoint
    body = json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":")).encode()
    timestamp = int(time.time())
    headers = {"Content-Type": "application/json", "User-Agent": "RakutenLink-Webhooks/1",
               "X-Webhook-Event": delivery.event, "X-Webhook-Delivery": str(delivery.event_id),
               "X-Webhook-Timestamp": str(timestamp), "X-Webhook-Signature": sign(endpoint.secret, timestamp, body)}
    started = time.perf_counter()
    status, error = None, ""
    try:
        check_url(endpoint.url)
        response = requests.post(endpoint.url, data=body, headers=headers, timeout=TIMEOUT, allow_redirects=False)
        status = response.status_code
        if not 200 <= status < 300:
            error = f"HTTP {status}"
    except UrlRefused as exc:
        error = str(exc)
    except requests.RequestException as exc:
        error = type(exc).__name__
    return _record(delivery, status, round((time.perf_counter() - started) * 1000), error)


def _record(delivery: WebhookDelivery, status: int | None, ms: int, error: str) -> str:
    now = timezone.now()
    delivery.attempts += 1
    delivery.log = [*delivery.log, {"at": now.isoformat(), "status": status, "ms": ms, "error": error}][-30:]
    delivery.last_status, delivery.last_response_ms, delivery.last_error = status, ms, error[:500]
    if not error:
        delivery.status, delivery.delivered_at, outcome = DeliveryStatus.DELIVERED, now, "delivered"
    elif now - delivery.created_at >= timedelta(hours=settings.API_WEBHOOK_RETRY_HOURS):
        delivery.status, outcome = DeliveryStatus.DEAD, "dead"
    else:
        wait = min(FIRST_RETRY_S * 2 ** (delivery.attempts - 1), LONGEST_RETRY_S)
        delivery.next_attempt_at, outcome = now + timedelta(seconds=wait), "failed"
    delivery.save(update_fields=["attempts", "log", "last_status", "last_response_ms", "last_error", "status",
                                 "delivered_at", "next_attempt_at"])
    if outcome == "dead":
        _alert(delivery)
    return outcome


def _alert(delivery: WebhookDelivery) -> None:
    endpoint = delivery.endpoint
    logger.error("webhook %s to endpoint %s given up after %d attempts: %s", delivery.event_id, endpoint.name,
                 delivery.attempts, delivery.last_error)
    if endpoint.alert_email:
        subject = f"[Rakuten Link] Webhook given up: {endpoint.name} ({delivery.event})"
        body = (f"The delivery {delivery.event_id} ({delivery.event}) to {endpoint.url} failed {delivery.attempts} "
                f"times over {settings.API_WEBHOOK_RETRY_HOURS} hours and was given up. Last error: "
                f"{delivery.last_error}. Send it again from the admin (webhook deliveries) once the receiver "
                f"is back.")
        send_mail(subject, body, None, [endpoint.alert_email], fail_silently=True)


def send_again(deliveries) -> int:
    """The admin's "send again": back to the outbox, due now (a delivered one is sent once more)."""
    return WebhookDelivery.objects.filter(pk__in=[d.pk for d in deliveries]).update(
        status=DeliveryStatus.PENDING, next_attempt_at=timezone.now(), delivered_at=None)
