"""POST /api/v1/stock/movements: through inventory.services, keyed, all or nothing."""

from __future__ import annotations

from django.contrib.admin.models import LogEntry

from inventory.models import StockLevel, StockMovement


def on_hand(store, sku) -> int:
    level = StockLevel.objects.filter(store=store, sku=sku).first()
    return level.on_hand if level else 0


def sale(key, sku, store, quantity=1, kind="sale"):
    return {"key": key, "sku": sku.code, "store": store.code, "kind": kind, "quantity": quantity}


def test_a_sale_a_return_a_receipt_and_an_adjustment_move_stock_under_the_tokens_name(
        api, make_store, make_sku, set_stock):
    store, sku = make_store(), make_sku()
    set_stock(store, sku, 10)
    body = {"movements": [sale("r1-1", sku, store, 3), sale("r1-2", sku, store, 1, "return"),
                          sale("r1-3", sku, store, 5, "receipt"), sale("r1-4", sku, store, -2, "adjustment")]}
    response = api.post("/stock/movements", body)
    assert response.status_code == 200, response.content
    results = response.json()["results"]
    assert [r["on_hand"] for r in results] == [7, 8, 13, 11]
    assert [r["quantity"] for r in results] == [-3, 1, 5, -2]
    assert on_hand(store, sku) == 11
    kinds = list(StockMovement.objects.order_by("pk").values_list("kind", "created_by__username", "reference"))
    assert kinds == [("pos_sale", "api:till-1", "r1-1"), ("pos_return", "api:till-1", "r1-2"),
                     ("receipt", "api:till-1", "r1-3"), ("adjustment", "api:till-1", "r1-4")]
    entry = LogEntry.objects.get()
    assert entry.user.username == "api:till-1" and "till-1" in entry.change_message


def test_a_sale_by_jan_finds_the_sku(api, make_store, make_sku, set_stock):
    store, sku = make_store(), make_sku()
    sku.jan_code = "4901234567894"
    sku.save()
    set_stock(store, sku, 2)
    body = {"movements": [{"key": "k", "sku": "4901234567894", "store": store.code, "kind": "sale", "quantity": 1}]}
    assert api.post("/stock/movements", body).json()["results"][0]["sku"] == sku.code
    assert on_hand(store, sku) == 1


def test_a_repeat_with_the_same_key_and_body_answers_the_first_result_and_changes_nothing(
        api, make_store, make_sku, set_stock):
    store, sku = make_store(), make_sku()
    set_stock(store, sku, 10)
    body = {"movements": [sale("line-1", sku, store, 2)]}
    first = api.post("/stock/movements", body).json()["results"][0]
    again = api.post("/stock/movements", body).json()["results"][0]
    assert again == {**first, "replayed": True}
    assert on_hand(store, sku) == 8 and StockMovement.objects.count() == 1


def test_a_repeat_among_new_items_applies_only_the_new_ones(api, make_store, make_sku, set_stock):
    store, sku = make_store(), make_sku()
    set_stock(store, sku, 10)
    api.post("/stock/movements", {"movements": [sale("a", sku, store, 2)]})
    response = api.post("/stock/movements", {"movements": [sale("a", sku, store, 2), sale("b", sku, store, 1)]})
    assert [r["replayed"] for r in response.json()["results"]] == [True, False]
    assert on_hand(store, sku) == 7


def test_the_same_key_with_another_body_is_a_409_and_changes_nothing(api, make_store, make_sku, set_stock):
    store, sku = make_store(), make_sku()
    set_stock(store, sku, 10)
    api.post("/stock/movements", {"movements": [sale("line-1", sku, store, 2)]})
    response = api.post("/stock/movements", {"movements": [sale("line-2", sku, store, 1),
                                                           sale("line-1", sku, store, 3)]})
    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == "idempotency_conflict"
    assert problem["errors"][0]["item"] == 1 and problem["errors"][0]["key"] == "line-1"
    assert on_hand(store, sku) == 8 and StockMovement.objects.count() == 1


def test_the_idempotency_key_header_covers_a_whole_request(api, make_store, make_sku, set_stock):
    store, sku = make_store(), make_sku()
    set_stock(store, sku, 10)
    body = {"movements": [{"sku": sku.code, "store": store.code, "kind": "sale", "quantity": 1}] * 3}
    first = api.post("/stock/movements", body, headers={"Idempotency-Key": "batch-7"})
    again = api.post("/stock/movements", body, headers={"Idempotency-Key": "batch-7"})
    assert first.status_code == again.status_code == 200
    assert again.json()["results"] == [{**r, "replayed": True} for r in first.json()["results"]]
    assert on_hand(store, sku) == 7
    other = api.post("/stock/movements", {"movements": body["movements"][:1]}, headers={"Idempotency-Key": "batch-7"})
    assert other.status_code == 409 and other.json()["code"] == "idempotency_conflict"
    assert on_hand(store, sku) == 7


def test_items_without_a_key_and_no_header_are_refused(api, make_store, make_sku, set_stock):
    store, sku = make_store(), make_sku()
    set_stock(store, sku, 10)
    response = api.post("/stock/movements", {"movements": [{"sku": sku.code, "store": store.code, "kind": "sale",
                                                            "quantity": 1}]})
    assert response.status_code == 422 and response.json()["code"] == "key_required"
    assert on_hand(store, sku) == 10


def test_all_or_nothing_a_sale_below_zero_refuses_the_request_and_names_the_item(
        api, make_store, make_sku, set_stock):
    store, sku, other = make_store(), make_sku(), make_sku()
    set_stock(store, sku, 10)
    set_stock(store, other, 1)
    response = api.post("/stock/movements", {"movements": [sale("a", sku, store, 2), sale("b", other, store, 2)]})
    assert response.status_code == 409
    problem = response.json()
    assert problem["code"] == "negative_stock"
    assert problem["errors"][0] | {"detail": ""} == {"item": 1, "key": "b", "field": "quantity",
                                                     "code": "negative_stock", "detail": ""}
    assert on_hand(store, sku) == 10 and on_hand(store, other) == 1
    assert not StockMovement.objects.exists()
    # the keys were rolled back too: the corrected request goes through
    fixed = api.post("/stock/movements", {"movements": [sale("a", sku, store, 2), sale("b", other, store, 1)]})
    assert fixed.status_code == 200 and on_hand(store, sku) == 8


def test_a_thousand_lines_in_one_request(api, make_store, make_sku, set_stock):
    store, sku = make_store(), make_sku()
    set_stock(store, sku, 5000)
    body = {"movements": [sale(f"k{i}", sku, store, 1) for i in range(1000)]}
    response = api.post("/stock/movements", body)
    assert response.status_code == 200
    assert on_hand(store, sku) == 4000
    too_many = api.post("/stock/movements", {"movements": [sale(f"x{i}", sku, store, 1) for i in range(1001)]})
    assert too_many.status_code == 422 and too_many.json()["errors"][0]["code"] == "too_many_items"
    assert on_hand(store, sku) == 4000
