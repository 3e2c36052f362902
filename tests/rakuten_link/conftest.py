"""Fixtures for tests that run the real RMS client over HTTP against the sandbox."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.conftest import DEMO_LICENSE, DEMO_SECRET


@pytest.fixture
def rms(sandbox, settings):
    """The sandbox with the demo credentials registered, and Django pointed at it."""
    sandbox.state.add_credential(DEMO_SECRET, DEMO_LICENSE, "000001", timezone.now() + timedelta(days=60))
    settings.RMS_API_BASE_URL = sandbox.url
    return sandbox


@pytest.fixture
def keep_test_connection(monkeypatch):
    """Django-Q2's scheduler closes the process's database connections first (the poller's pass does too);
    in a test that would close the test's own connection, inside its transaction."""
    monkeypatch.setattr("django_q.scheduler.close_old_django_connections", lambda: None)


@pytest.fixture
def account(make_account, make_store):
    return make_account("楽天テスト店", stores=[make_store()], alert_email="alerts@example.com")


# --- product mappings and inventory push (issue 5) ---------------------------------------------


def rakuten_item(manage_number: str, variants: dict, selectors: list | None = None) -> dict:
    """An Item API 2.0 body: ``variants`` maps variantId → selectorValues (may be {})."""
    keys = list(dict.fromkeys(k for values in variants.values() for k in values))
    body = {
        "manageNumber": manage_number, "itemNumber": manage_number, "title": f"商品 {manage_number}",
        "itemType": "NORMAL",
        "variants": {
            vid: {"merchantDefinedSkuId": vid.upper(), "selectorValues": values, "standardPrice": "1000"}
            for vid, values in variants.items()
        },
    }
    if keys:
        body["variantSelectors"] = selectors or [
            {"key": k, "displayName": k, "values": [{"displayValue": v} for v in
                                                    dict.fromkeys(vals[k] for vals in variants.values() if k in vals)]}
            for k in keys
        ]
    return body


@pytest.fixture
def seed_items(rms):
    """Put items straight into the sandbox's shop 000001 (set-up only; tests then go over HTTP)."""
    from rakuten_link.sandbox.api.items import store_item

    def seed(*items: dict, shop: str = "000001") -> None:
        for item in items:
            store_item(rms.state, shop, item["manageNumber"], item, timezone.now())

    return seed


@pytest.fixture
def make_mapping(db):
    from rakuten_link.models import ProductMapping

    def make(account, manage_number: str, variant_id: str, sku, **fields) -> ProductMapping:
        fields.setdefault("status", "ok")
        return ProductMapping.objects.create(
            account=account, manage_number=manage_number, variant_id=variant_id, sku=sku, **fields
        )

    return make


@pytest.fixture
def rakuten_stock(rms):
    """What the sandbox holds: {(manageNumber, variantId): quantity} for one shop."""

    def read(shop: str = "000001") -> dict:
        return {key: row["quantity"] for key, row in rms.state.inventory_of(shop).items()}

    return read


@pytest.fixture
def upsert_calls(rms):
    """The bulk-upsert requests the sandbox received, oldest first (each with its JSON body)."""

    def read() -> list[dict]:
        return rms.state.requests("inventoryapi_2.0.bulk.upsert")

    return read


@pytest.fixture
def order_shop(rms, account, set_stock):
    """For order-intake tests: the demo catalogue in the sandbox, the same SKUs here mapped for `account`
    with 10 of each in each of its stores, and the common settlement methods mapped (not PayPal, 17)."""
    from types import SimpleNamespace

    from inventory.models import Product, Sku
    from orders.models import PaymentMethod
    from rakuten_link.models import PaymentMethodMapping, ProductMapping
    from rakuten_link.sandbox.api.items import store_item
    from rakuten_link.sandbox.state.catalogue import DEMO_SHOP, demo_catalogue, item_json

    skus = {}
    for entry in demo_catalogue():
        store_item(rms.state, DEMO_SHOP, entry["manageNumber"], item_json(entry), timezone.now())
        product = Product.objects.create(code=entry["manageNumber"].upper(), name=entry["title"])
        for variant in entry["variants"]:
            sku = Sku.objects.create(code=variant["merchantDefinedSkuId"], product=product, name=entry["title"])
            ProductMapping.objects.create(account=account, manage_number=entry["manageNumber"],
                                          variant_id=variant["variantId"], sku=sku)
            for store in account.stores.all():
                set_stock(store, sku, 10)
            skus[variant["variantId"]] = sku
    methods = {}
    for code, name, rakuten_codes in (("card", "カード", (1, 12)), ("cod", "代引", (2,)), ("bank", "振込", (9,)),
                                      ("cvs", "コンビニ", (13, 14)), ("later", "後払い", (3, 21))):
        methods[code] = PaymentMethod.objects.create(code=code, name=name)
        for rakuten_code in rakuten_codes:
            PaymentMethodMapping.objects.create(account=account, settlement_method_code=rakuten_code,
                                                payment_method=methods[code])
    return SimpleNamespace(sandbox=rms, account=account, skus=skus, methods=methods, shop=DEMO_SHOP)


@pytest.fixture
def ledger_check():
    """ledger_check(account, start=10) → units held: every line's allocated_units equals what its ledger
    movements hold, every stock level's on_hand equals its starting quantity plus its movements and its
    allocated the sum of its allocation changes, and nothing is negative or over-allocated."""
    from collections import defaultdict

    from django.db.models import Sum

    from inventory.models import StockLevel, StockMovement
    from orders.models import OrderLine

    def check(account, start: int = 10) -> int:
        held = defaultdict(int)
        movements = StockMovement.objects.filter(kind__in=["order_allocation", "order_release", "order_shipment"])
        for key, change in movements.values_list("idempotency_key", "allocated_change"):
            _prefix, account_id, number, detail_id = key.split(":")[:4]
            held[(int(account_id), number, int(detail_id))] += change
        lines = OrderLine.objects.filter(order__account=account)
        for number, detail_id, allocated in lines.values_list("order__order_number", "item_detail_id",
                                                               "allocated_units"):
            assert held.pop((account.pk, number, detail_id), 0) == allocated, (number, detail_id)
        assert not [k for k, v in held.items() if v and k[0] == account.pk], "stock held by no line"
        moved, allocated = defaultdict(int), defaultdict(int)
        for store, sku, quantity, change in StockMovement.objects.values_list("store", "sku", "quantity",
                                                                               "allocated_change"):
            moved[(store, sku)] += quantity
            allocated[(store, sku)] += change
        for level in StockLevel.objects.filter(store__in=account.stores.all()):
            pair = (level.store_id, level.sku_id)
            assert level.on_hand == start + moved[pair] >= 0
            assert level.on_hand >= level.allocated == allocated[pair] >= 0
        return lines.aggregate(units=Sum("allocated_units"))["units"] or 0

    return check


class SandboxOrders:
    """The sandbox's order control endpoints over HTTP, and its request log, for order-intake tests."""

    def __init__(self, sandbox) -> None:
        self.sandbox = sandbox

    def _call(self, method: str, path: str, body=None) -> dict:
        import requests

        response = requests.request(method, f"{self.sandbox.url}/_sandbox/{path}", json=body, timeout=60)
        assert response.status_code < 300, response.text
        return response.json() if response.content else {}

    def create(self, *partials: dict) -> list[str]:
        return self._call("POST", "orders", {"orders": list(partials)})["orderNumbers"]

    def random(self, count: int, **options) -> list[str]:
        return self._call("POST", "orders", {"random": count, **options})["orderNumbers"]

    def get(self, number: str) -> dict:
        return self._call("GET", f"orders/{number}")

    def patch(self, number: str, changes: dict) -> dict:
        return self._call("PATCH", f"orders/{number}", changes)

    def cancel(self, number: str) -> dict:
        return self._call("POST", f"orders/{number}/cancel", {})

    def advance(self, number: str, to: int) -> dict:
        return self._call("POST", f"orders/{number}/advance", {"to": to})

    def progress(self, number: str, progress: int) -> dict:
        return self._call("POST", f"orders/{number}/progress", {"orderProgress": progress})

    def config(self, **values) -> dict:
        return self._call("PATCH", "config", values)

    def log(self, function: str | None = None) -> list[dict]:
        return self.sandbox.state.requests(function)

    def clear_log(self) -> None:
        self.sandbox.state.clear_requests()


@pytest.fixture
def rms_orders(order_shop):
    return SandboxOrders(order_shop.sandbox)
