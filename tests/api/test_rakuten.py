"""End to end through the sandbox: a sale posted to the API reaches Rakuten by the event-driven push, and a
parcel posted by the warehouse is reported by the shipments job, once, and corrected as an update."""

from __future__ import annotations

from datetime import date

import pytest

from api.tokens import create_token
from orders.models import Shipment
from rakuten_link.models import ProductMapping
from tests.api.conftest import ApiClient
from tests.rakuten_link.shipping.report.conftest import UPDATE
from tests.rakuten_link.sync.inventory.pushes import queued_pushes, run_queued


@pytest.fixture(autouse=True)
def no_debounce(settings):
    settings.RAKUTEN_PUSH_DEBOUNCE_SECONDS = 0


def test_a_sale_posted_to_the_api_reaches_the_sandbox(rms, account, make_sku, set_stock, make_mapping,
                                                      rakuten_stock, django_capture_on_commit_callbacks):
    store = account.stores.get()
    sku = make_sku("TEE-M")
    set_stock(store, sku, 10)
    make_mapping(account, "tee01", "tee01-m", sku, last_pushed_quantity=10)
    _token, secret = create_token(name="till-1", scopes=["stock:write", "stock:read"], store=store)
    till = ApiClient(secret)
    with django_capture_on_commit_callbacks(execute=True):
        response = till.post("/stock/movements", {"movements": [
            {"key": "receipt-1-1", "sku": "TEE-M", "store": store.code, "kind": "sale", "quantity": 2}]})
    assert response.status_code == 200, response.content
    assert queued_pushes() == [account.pk]  # queued by the movement's own commit, as for the admin
    run_queued()
    assert rakuten_stock()[("tee01", "tee01-m")] == 8
    mapping = ProductMapping.objects.get()
    assert mapping.last_pushed_quantity == 8 and mapping.last_pushed_at is not None
    told = till.get("/stock?sku=TEE-M").json()["stock"][0]["rakuten"][0]
    assert told["last_pushed_quantity"] == 8
    with django_capture_on_commit_callbacks(execute=True):  # the till retries: nothing moves, nothing is queued
        till.post("/stock/movements", {"movements": [
            {"key": "receipt-1-1", "sku": "TEE-M", "store": store.code, "kind": "sale", "quantity": 2}]})
    assert queued_pushes() == []


def test_a_parcel_posted_by_the_warehouse_is_reported_once_and_a_correction_updates_the_row(
        make_orders, report, rows_in_rms, rms_orders):
    (order,) = make_orders(1)
    _token, secret = create_token(name="warehouse", scopes=["shipments:write", "orders:read"])
    warehouse = ApiClient(secret)
    parcel = {"order_number": order.order_number, "carrier": "ヤマト運輸", "tracking_number": "1234-5678-9012",
              "shipped_on": "2026-05-02"}
    first = warehouse.post("/shipments", parcel)
    assert first.status_code == 200, first.content
    assert first.json() | {"id": 0} == {"id": 0, "order_number": order.order_number,
                                        "basket_id": order.packages.get().basket_id, "carrier": "1001",
                                        "tracking_number": "1234-5678-9012", "shipped_on": "2026-05-02",
                                        "action": "created", "report_state": "pending", "replayed": False}
    assert warehouse.post("/shipments", parcel).json()["action"] == "unchanged"
    report()
    assert report().counts["calls"] == 0
    ((basket, rows),) = rows_in_rms(order).items()
    assert [row[1:] for row in rows] == [("1001", "1234-5678-9012", "2026-05-02")]
    assert len(rms_orders.log(UPDATE)) == 1
    detail_id = rows[0][0]
    corrected = warehouse.post("/shipments", {**parcel, "carrier": "1002"})
    assert corrected.json()["action"] == "corrected"
    report()
    assert rows_in_rms(order)[basket] == [(detail_id, "1002", "1234-5678-9012", "2026-05-02")]
    shipment = Shipment.objects.get()
    assert shipment.created_by.username == "api:warehouse" and shipment.report_state == "reported"
    assert order.events.filter(user__username="api:warehouse").exists()


def test_a_shipment_for_an_unknown_order_or_carrier_changes_nothing(make_orders, db):
    (order,) = make_orders(1)
    _token, secret = create_token(name="warehouse", scopes=["shipments:write"])
    warehouse = ApiClient(secret)
    base = {"order_number": order.order_number, "carrier": "1001", "tracking_number": "1", "shipped_on": "2026-05-02"}
    assert warehouse.post("/shipments", {**base, "order_number": "000001-20260101-99999999"}).json()["code"] \
        == "unknown_order"
    assert warehouse.post("/shipments", {**base, "carrier": "飛脚"}).json()["code"] == "unknown_carrier"
    assert warehouse.post("/shipments", {**base, "basket_id": 1}).json()["code"] == "unknown_package"
    assert warehouse.post("/shipments", {**base, "shipped_on": "2026-13-01"}).json()["code"] == "invalid_date"
    assert not Shipment.objects.exists()


def test_a_keyed_shipment_answers_a_repeat_and_refuses_another_body(make_orders, make_store, db):
    (order,) = make_orders(1)
    _token, secret = create_token(name="warehouse", scopes=["shipments:write"])
    warehouse = ApiClient(secret)
    parcel = {"key": "w-1", "order_number": order.order_number, "carrier": "1001", "tracking_number": "555",
              "shipped_on": date(2026, 5, 2).isoformat()}
    first = warehouse.post("/shipments", parcel).json()
    again = warehouse.post("/shipments", parcel).json()
    assert again == {**first, "replayed": True}
    assert warehouse.post("/shipments", {**parcel, "tracking_number": "556"}).json()["code"] == "idempotency_conflict"
    assert Shipment.objects.count() == 1
    _token, other = create_token(name="till", scopes=["shipments:write"], store=make_store("S77"))
    refused = ApiClient(other).post("/shipments", {**parcel, "key": "t-1", "tracking_number": "557"})
    assert refused.json()["code"] == "unknown_order"  # its store does not sell this order's account
    assert Shipment.objects.count() == 1
