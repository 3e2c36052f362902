"""Bad input: each a clear Japanese error with a stable code, as problem details, and nothing changed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from api.tokens import revoke
from inventory.models import StockLevel, StockMovement
from tests.api.conftest import ApiClient

JAPANESE = ("ぁ", "ヿ")  # any kana in the message


@pytest.fixture
def shelf(make_store, make_sku, set_stock):
    store, sku = make_store("S01"), make_sku("TEE-M")
    set_stock(store, sku, 10)
    return store, sku


def body(**item):
    return {"movements": [{"key": "k1", "sku": "TEE-M", "store": "S01", "kind": "sale", "quantity": 1, **item}]}


def assert_refused(response, status: int, code: str, shelf) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == code and problem["status"] == status
    assert any(JAPANESE[0] <= ch <= JAPANESE[1] for ch in problem["detail"]), problem["detail"]
    store, sku = shelf
    assert StockLevel.objects.get(store=store, sku=sku).on_hand == 10
    assert not StockMovement.objects.exists()
    return problem


def test_an_unknown_sku_names_the_item_and_field(api, shelf):
    problem = assert_refused(api.post("/stock/movements", body(sku="NOPE")), 422, "unknown_sku", shelf)
    assert problem["errors"] == [{"item": 0, "key": "k1", "field": "sku", "code": "unknown_sku",
                                  "detail": problem["errors"][0]["detail"]}]
    assert "NOPE" in problem["detail"]


def test_an_unknown_store(api, shelf):
    problem = assert_refused(api.post("/stock/movements", body(store="S99")), 422, "unknown_store", shelf)
    assert problem["errors"][0]["field"] == "store"


@pytest.mark.parametrize("quantity", [-1, 0])
def test_a_sale_of_no_or_negative_units(api, shelf, quantity):
    problem = assert_refused(api.post("/stock/movements", body(quantity=quantity)), 422, "out_of_range", shelf)
    assert problem["errors"][0]["field"] == "quantity"


def test_an_absurd_quantity(api, shelf):
    problem = assert_refused(api.post("/stock/movements", body(quantity=4901234567894)), 422, "out_of_range", shelf)
    assert problem["errors"][0] | {"detail": ""} == {"item": 0, "key": None, "field": "quantity",
                                                     "code": "out_of_range", "detail": ""}


def test_a_quantity_that_is_not_a_number(api, shelf):
    assert_refused(api.post("/stock/movements", body(quantity="three")), 422, "not_an_integer", shelf)


def test_an_unknown_kind_and_an_unknown_field(api, shelf):
    problem = assert_refused(api.post("/stock/movements", body(kind="theft", colour="red")), 422,
                             "invalid_request", shelf)
    assert {e["code"] for e in problem["errors"]} == {"invalid_choice", "unknown_field"}


def test_a_ten_megabyte_body_is_refused_before_it_is_read(api, shelf):
    huge = b'{"movements": [' + b" " * (10 * 1024 * 1024) + b"]}"
    assert_refused(api.post("/stock/movements", raw=huge), 413, "body_too_large", shelf)


def test_malformed_json(api, shelf):
    assert_refused(api.post("/stock/movements", raw=b'{"movements": [{"sku": "TEE-M",'), 400, "malformed_json", shelf)


def test_no_token(shelf, db):
    assert_refused(ApiClient(None).post("/stock/movements", body()), 401, "unauthorized", shelf)


def test_a_wrong_token(shelf, db):
    assert_refused(ApiClient("rlk_not-a-token").post("/stock/movements", body()), 401, "unauthorized", shelf)


def test_a_revoked_token(make_token, shelf):
    token, secret = make_token()
    revoke([token])
    assert_refused(ApiClient(secret).post("/stock/movements", body()), 401, "token_revoked", shelf)


def test_an_expired_token(make_token, shelf):
    _token, secret = make_token(expires_at=timezone.now() - timedelta(minutes=1))
    assert_refused(ApiClient(secret).post("/stock/movements", body()), 401, "token_expired", shelf)


def test_a_token_without_the_scope(client_for, shelf):
    reader = client_for(scopes=["stock:read", "orders:read"])
    assert_refused(reader.post("/stock/movements", body()), 403, "scope_missing", shelf)


def test_a_token_bound_to_another_store(client_for, make_store, shelf):
    till = client_for(store=make_store("S02"))
    problem = assert_refused(till.post("/stock/movements", body()), 403, "store_forbidden", shelf)
    assert problem["errors"][0]["item"] == 0 and problem["errors"][0]["field"] == "store"


def test_the_rate_limit_answers_429_with_retry_after(client_for, shelf):
    till = client_for(rate_limit=2)
    assert till.get("/stock").status_code == 200
    assert till.get("/stock").status_code == 200
    response = till.get("/stock")
    assert response.status_code == 429 and response.json()["code"] == "rate_limited"
    assert 1 <= int(response["Retry-After"]) <= 61
    assert_refused(till.post("/stock/movements", body()), 429, "rate_limited", shelf)
