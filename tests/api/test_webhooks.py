"""Webhooks out: outbox rows written with the event, signed deliveries to a local receiver, retries, dead, again."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from api.delivery import deliver_due
from api.models import SkuStockThreshold, WebhookDelivery, WebhookEndpoint
from api.urlcheck import UrlRefused, check_url
from inventory.services import apply_stock_movement
from orders import timeline
from orders.models import EventKind
from orders.services import allocate_order, cancel_order
from rakuten_link.models import SyncRun

SECRET = "whsec_test"


class Receiver:
    """A local HTTP receiver: records each request, answers with the next status of ``answers`` (then 200)."""

    def __init__(self) -> None:
        self.received: list[dict] = []
        self.answers: list[int] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (the http.server name)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.received.append({"headers": dict(self.headers), "body": body})
                self.send_response(outer.answers.pop(0) if outer.answers else 200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def receiver(settings):
    settings.API_WEBHOOKS_ALLOW_PRIVATE = True  # the receiver is on this machine
    found = Receiver()
    yield found
    found.server.shutdown()


@pytest.fixture
def endpoint(receiver, db):
    return WebhookEndpoint.objects.create(name="erp", url=receiver.url, secret=SECRET, alert_email="ops@example.com",
                                          events=["order.created", "order.changed", "order.cancelled", "stock.low",
                                                  "sync.failed"])


@pytest.fixture
def shop(make_account, make_store, make_sku, set_stock):
    store = make_store("S01")
    account = make_account(stores=[store])
    sku = make_sku("TEE-M")
    set_stock(store, sku, 10)
    return account, store, sku


def test_an_order_step_writes_its_delivery_in_the_same_transaction(endpoint, shop, make_order):
    account, _store, sku = shop
    order = make_order(account, [(sku, 1)])
    with pytest.raises(RuntimeError), transaction.atomic():
        allocate_order(order)
        assert WebhookDelivery.objects.filter(event="order.changed").count() == 1
        raise RuntimeError("rolled back")
    assert not WebhookDelivery.objects.exists()  # the change did not happen: nothing is sent
    timeline.log([order], EventKind.FETCHED)
    allocate_order(order)
    cancel_order(order, list(order.lines.all()))
    events = list(WebhookDelivery.objects.order_by("pk").values_list("event", flat=True))
    assert events == ["order.created", "order.changed", "order.cancelled"]
    payload = WebhookDelivery.objects.get(event="order.changed").payload
    assert payload["data"]["order_number"] == order.order_number and payload["data"]["steps"][0]["step"] == "allocated"


def test_a_delivery_is_signed_so_the_receiver_can_check_body_and_age(endpoint, receiver, shop, make_order):
    account, _store, sku = shop
    allocate_order(make_order(account, [(sku, 1)]))
    assert deliver_due() == {"delivered": 1, "failed": 0, "dead": 0}
    (request,) = receiver.received
    headers, body = request["headers"], request["body"]
    expected = hmac.new(SECRET.encode(), headers["X-Webhook-Timestamp"].encode() + b"." + body,
                        hashlib.sha256).hexdigest()
    assert headers["X-Webhook-Signature"] == f"v1={expected}"
    assert abs(int(headers["X-Webhook-Timestamp"]) - timezone.now().timestamp()) < 60
    assert headers["X-Webhook-Event"] == "order.changed"
    delivery = WebhookDelivery.objects.get()
    assert json.loads(body)["id"] == headers["X-Webhook-Delivery"] == str(delivery.event_id)
    assert delivery.status == "delivered" and delivery.last_status == 200 and delivery.last_response_ms is not None


def test_a_receiver_that_is_down_loses_nothing_retries_back_off_then_succeed(endpoint, receiver, shop, make_order):
    account, _store, sku = shop
    allocate_order(make_order(account, [(sku, 1)]))
    receiver.answers = [503, 500]
    assert deliver_due()["failed"] == 1
    delivery = WebhookDelivery.objects.get()
    first_wait = delivery.next_attempt_at - timezone.now()
    assert delivery.status == "pending" and delivery.last_status == 503 and timedelta(seconds=20) < first_wait
    assert deliver_due() == {"delivered": 0, "failed": 0, "dead": 0}  # not due yet
    WebhookDelivery.objects.update(next_attempt_at=timezone.now())
    deliver_due()
    delivery.refresh_from_db()
    assert delivery.next_attempt_at - timezone.now() > first_wait  # backing off
    WebhookDelivery.objects.update(next_attempt_at=timezone.now())
    assert deliver_due()["delivered"] == 1
    delivery.refresh_from_db()
    assert delivery.attempts == 3 and [a["status"] for a in delivery.log] == [503, 500, 200]


def test_after_a_day_of_failures_the_delivery_is_given_up_and_alerted_then_sent_again_from_the_admin(
        endpoint, receiver, shop, make_order, admin_client):
    account, _store, sku = shop
    allocate_order(make_order(account, [(sku, 1)]))
    WebhookDelivery.objects.update(created_at=timezone.now() - timedelta(hours=25))
    receiver.answers = [500]
    assert deliver_due()["dead"] == 1
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "dead"
    assert len(mail.outbox) == 1 and "erp" in mail.outbox[0].subject and mail.outbox[0].to == ["ops@example.com"]
    assert SECRET not in mail.outbox[0].body
    admin_client.post(reverse("admin:api_webhookdelivery_changelist"),
                      {"action": "send_again", "_selected_action": [delivery.pk]})
    assert deliver_due()["delivered"] == 1
    assert WebhookDelivery.objects.get().status == "delivered" and len(receiver.received) == 2


def test_stock_low_when_available_falls_under_the_threshold(endpoint, shop):
    _account, store, sku = shop
    apply_stock_movement(store=store, sku=sku, kind="pos_sale", quantity=-6)  # 10 → 4: still 3 or more
    assert not WebhookDelivery.objects.exists()
    apply_stock_movement(store=store, sku=sku, kind="pos_sale", quantity=-2)  # 4 → 2: under 3
    apply_stock_movement(store=store, sku=sku, kind="pos_sale", quantity=-1)  # already under: no second event
    (delivery,) = WebhookDelivery.objects.all()
    assert delivery.payload["data"] == {"sku": "TEE-M", "store": "S01", "available": 2, "threshold": 3}
    SkuStockThreshold.objects.create(sku=sku, below=20)
    apply_stock_movement(store=store, sku=sku, kind="receipt", quantity=30)
    apply_stock_movement(store=store, sku=sku, kind="pos_sale", quantity=-15)  # 31 → 16: under its own 20
    assert WebhookDelivery.objects.latest("pk").payload["data"]["threshold"] == 20


def test_sync_failed(endpoint, shop):
    account, _store, _sku = shop
    run = SyncRun.objects.create(account=account, kind="orders")
    assert not WebhookDelivery.objects.exists()
    run.status, run.error, run.finished_at = "failed", "RMS answered 503", timezone.now()
    run.save(update_fields=["status", "error", "finished_at"])
    assert WebhookDelivery.objects.get().payload["data"] | {"run": 0, "finished_at": None} == {
        "account": account.name, "job": "orders", "run": 0, "error": "RMS answered 503", "finished_at": None}


def test_only_public_http_urls_unless_allowed(settings, db):
    settings.API_WEBHOOKS_ALLOW_PRIVATE = False
    for url in ("ftp://example.com/x", "http://127.0.0.1:8000/hook", "http://10.1.2.3/hook", "http://[::1]/x",
                "http://169.254.169.254/latest"):
        with pytest.raises(UrlRefused):
            check_url(url)
    settings.API_WEBHOOKS_ALLOW_PRIVATE = True
    check_url("http://127.0.0.1:8000/hook")


def test_a_private_url_is_refused_at_send_time_too(endpoint, receiver, shop, make_order, settings):
    account, _store, sku = shop
    allocate_order(make_order(account, [(sku, 1)]))
    settings.API_WEBHOOKS_ALLOW_PRIVATE = False
    assert deliver_due()["failed"] == 1
    assert receiver.received == [] and "127.0.0.1" in WebhookDelivery.objects.get().last_error


def test_the_admin_refuses_a_loopback_url_and_shows_a_new_secret_once(admin_client, settings):
    settings.API_WEBHOOKS_ALLOW_PRIVATE = False
    form = {"name": "erp", "url": "http://127.0.0.1/hook", "events": ["order.created"], "active": "on",
            "stock_low_below": "3", "alert_email": ""}
    refused = admin_client.post(reverse("admin:api_webhookendpoint_add"), form)
    assert refused.status_code == 200 and not WebhookEndpoint.objects.exists()
    settings.API_WEBHOOKS_ALLOW_PRIVATE = True
    page = admin_client.post(reverse("admin:api_webhookendpoint_add"), form).content.decode()
    secret = page.split('id="secret-once"')[1].split(">", 1)[1].split("<", 1)[0]
    endpoint = WebhookEndpoint.objects.get()
    assert secret.startswith("whsec_") and endpoint.secret == secret
    change = admin_client.get(reverse("admin:api_webhookendpoint_change", args=[endpoint.pk]))
    assert secret not in change.content.decode()


def test_shipment_reported_carries_the_parcel(receiver, shop, make_order, db):
    WebhookEndpoint.objects.create(name="wms", url=receiver.url, secret=SECRET, events=["shipment.reported"])
    account, _store, sku = shop
    order = make_order(account, [(sku, 1)])
    allocate_order(order)  # order.changed: this endpoint did not ask for it
    timeline.log([order], EventKind.SHIPMENT_REPORTED, data={"carrier": "1001", "tracking": "T-1"})
    (delivery,) = WebhookDelivery.objects.all()
    assert delivery.event == "shipment.reported"
    assert delivery.payload["data"]["steps"] == [{"step": "shipment_reported", "carrier": "1001", "tracking": "T-1"}]


def test_the_delivery_task_is_queued_once_the_event_commits(endpoint, shop, make_order,
                                                            django_capture_on_commit_callbacks):
    from django_q.models import OrmQ

    account, _store, sku = shop
    order = make_order(account, [(sku, 1)])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        allocate_order(order)
    assert not OrmQ.objects.exists()  # nothing before the commit
    for callback in callbacks:
        callback()
    assert [q.task["func"] for q in OrmQ.objects.all()] == ["api.delivery.deliver_due"]
