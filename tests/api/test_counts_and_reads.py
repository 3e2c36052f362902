"""PUT /api/v1/stock/counts (a stocktake) and the reads: stock, products, one SKU's Rakuten mapping."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from inventory.models import StockLevel, StockMovement
from orders.models import Order
from orders.services import allocate_order
from rakuten_link.models import ProductMapping


@pytest.fixture
def shop(make_account, make_store, make_sku, set_stock):
    store = make_store("S01")
    account = make_account(stores=[store])
    sku = make_sku("TEE-M")
    set_stock(store, sku, 10)
    return account, store, sku


def count(key, quantity, sku="TEE-M", store="S01"):
    return {"key": key, "sku": sku, "store": store, "quantity": quantity}


def test_a_count_sets_on_hand_and_keeps_allocated_units(api, shop, make_order):
    account, store, sku = shop
    allocate_order(make_order(account, [(sku, 3)]))
    response = api.put("/stock/counts", {"counts": [count("st-1", 8)]})
    assert response.status_code == 200, response.content
    assert response.json()["results"][0] | {"movement_id": None} == {
        "key": "st-1", "sku": "TEE-M", "store": "S01", "kind": "count", "quantity": -2, "on_hand": 8,
        "allocated": 3, "available": 5, "movement_id": None, "replayed": False}
    movement = StockMovement.objects.get(kind="adjustment")
    assert movement.created_by.username == "api:till-1" and movement.quantity == -2


def test_a_count_below_allocated_releases_the_newest_order_and_flags_it_short_never_negative(api, shop, make_order):
    account, store, sku = shop
    old = allocate_order(make_order(account, [(sku, 4)], ordered_at=timezone.now() - timedelta(days=1)))
    new = allocate_order(make_order(account, [(sku, 4)]))
    response = api.put("/stock/counts", {"counts": [count("st-1", 5)]})
    assert response.status_code == 200
    assert response.json()["results"][0]["available"] == 0
    level = StockLevel.objects.get(store=store, sku=sku)
    assert (level.on_hand, level.allocated) == (5, 5)
    new = Order.objects.get(pk=new.pk)
    assert new.attention_reasons == ["short_stock"] and new.lines.get().needs_attention
    assert Order.objects.get(pk=old.pk).state == "allocated"


def test_a_repeated_count_answers_the_first_and_a_changed_one_is_a_conflict(api, shop):
    _account, store, sku = shop
    first = api.put("/stock/counts", {"counts": [count("st-1", 7)]}).json()["results"][0]
    StockLevel.objects.filter(store=store, sku=sku).update(on_hand=9)  # a sale meanwhile (set up directly)
    again = api.put("/stock/counts", {"counts": [count("st-1", 7)]}).json()["results"][0]
    assert again == {**first, "replayed": True}
    assert StockLevel.objects.get(store=store, sku=sku).on_hand == 9  # the repeat changed nothing
    assert api.put("/stock/counts", {"counts": [count("st-1", 6)]}).status_code == 409


def test_counts_are_all_or_nothing(api, shop, make_sku):
    _account, store, sku = shop
    response = api.put("/stock/counts", {"counts": [count("a", 3), count("b", -1), count("c", 2, sku="NOPE")]})
    assert response.status_code == 422
    assert {(e["item"], e["field"]) for e in response.json()["errors"]} == {(1, "quantity")}
    response = api.put("/stock/counts", {"counts": [count("a", 3), count("c", 2, sku="NOPE")]})
    assert [(e["item"], e["code"]) for e in response.json()["errors"]] == [(1, "unknown_sku")]
    assert StockLevel.objects.get(store=store, sku=sku).on_hand == 10 and not StockMovement.objects.exists()


def test_stock_shows_on_hand_allocated_available_and_what_rakuten_was_last_told(api, shop, make_order):
    account, store, sku = shop
    allocate_order(make_order(account, [(sku, 3)]))
    pushed_at = timezone.now() - timedelta(minutes=3)
    ProductMapping.objects.create(account=account, manage_number="tee01", variant_id="tee01-m", sku=sku,
                                  status="ok", last_pushed_quantity=7, last_pushed_at=pushed_at)
    rows = api.get("/stock?sku=TEE-M").json()["stock"]
    assert len(rows) == 1
    row = rows[0]
    assert (row["sku"], row["store"], row["on_hand"], row["allocated"], row["available"]) == ("TEE-M", "S01", 10, 3, 7)
    assert row["rakuten"][0] | {"last_pushed_at": None} == {
        "account": account.name, "manage_number": "tee01", "variant_id": "tee01-m", "status": "ok",
        "last_pushed_quantity": 7, "last_pushed_at": None}
    assert row["rakuten"][0]["last_pushed_at"].startswith(pushed_at.isoformat()[:19])
    mapping = api.get("/skus/TEE-M").json()
    assert mapping["product"] == sku.product.code and mapping["rakuten"][0]["variant_id"] == "tee01-m"
    assert api.get("/skus/NOPE").json()["code"] == "unknown_sku"


def test_stock_pages_follow_the_cursor_and_a_store_token_sees_its_store_only(client_for, shop, make_store,
                                                                             make_sku, set_stock):
    _account, store, _sku = shop
    other = make_store("S02")
    for _ in range(4):
        set_stock(other, make_sku(), 1)
    reader = client_for("reader", scopes=["stock:read"])
    first = reader.get("/stock?limit=3").json()
    second = reader.get(f"/stock?limit=3&cursor={first['next_cursor']}").json()
    assert len(first["stock"]) == 3 and len(second["stock"]) == 2 and second["next_cursor"] is None
    till = client_for("till", scopes=["stock:read"], store=store)
    assert {row["store"] for row in till.get("/stock").json()["stock"]} == {"S01"}


def test_products_list_their_skus(api, shop, make_sku):
    _account, _store, sku = shop
    sku.jan_code = "4901234567894"
    sku.save()
    products = api.get("/products").json()["products"]
    assert products[0]["skus"][0] == {"code": "TEE-M", "name": sku.name, "jan": "4901234567894", "options": {}}
