"""Sandbox Inventory API 2.0: single and bulk upserts (all-or-nothing), reads, ranges and key rules."""

from __future__ import annotations

import pytest

VARIANT = "/es/2.0/inventories/manage-numbers/{mn}/variants/{vid}"
BULK_UPSERT = "/es/2.0/inventories/bulk-upsert"
BULK_GET = "/es/2.0/inventories/bulk-get"


def put(client, mn: str, vid: str, mode: str = "ABSOLUTE", quantity: int = 5):
    return client.put(VARIANT.format(mn=mn, vid=vid), {"mode": mode, "quantity": quantity})


def stored(client) -> dict[tuple[str, str], int]:
    rows = client.control("GET", "inventory").json()["inventories"]
    return {(r["manageNumber"], r["variantId"]): r["quantity"] for r in rows}


def entry(mn: str, vid: str, quantity: int, mode: str = "ABSOLUTE") -> dict:
    return {"manageNumber": mn, "variantId": vid, "mode": mode, "quantity": quantity}


def test_get_of_a_missing_pair_is_404_ge0014(sandbox_client):
    response = sandbox_client.get(VARIANT.format(mn="tee01", vid="tee01-m"))
    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "GE0014"


def test_absolute_upsert_is_204_and_folds_manage_number_but_not_variant_id(sandbox_client):
    response = put(sandbox_client, "TEE01", "Tee01-M", quantity=7)
    assert (response.status_code, response.content) == (204, b"")
    row = sandbox_client.get(VARIANT.format(mn="tee01", vid="Tee01-M")).json()
    assert (row["manageNumber"], row["variantId"], row["quantity"]) == ("tee01", "Tee01-M", 7)
    assert row["created"].endswith("+09:00")
    assert sandbox_client.get(VARIANT.format(mn="tee01", vid="tee01-m")).status_code == 404


def test_relative_needs_an_existing_row_and_stays_in_range(sandbox_client):
    response = put(sandbox_client, "tee01", "m", "RELATIVE", 3)
    assert response.json()["errors"][0]["code"] == "IE0500"
    put(sandbox_client, "tee01", "m", quantity=5)
    assert put(sandbox_client, "tee01", "m", "RELATIVE", -2).status_code == 204
    assert stored(sandbox_client) == {("tee01", "m"): 3}
    assert put(sandbox_client, "tee01", "m", "RELATIVE", -4).json()["errors"][0]["code"] == "IE0117"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"mode": "ABSOLUTE", "quantity": 100000}, "IE0003"),
        ({"mode": "ABSOLUTE", "quantity": -1}, "IE0003"),
        ({"mode": "SET", "quantity": 1}, "IE0002"),
        ({"quantity": 1}, "IE0001"),
        ({"mode": "ABSOLUTE", "quantity": 1, "shipFromIds": [1]}, "IE0002"),
    ],
)
def test_single_upsert_validates_its_body(sandbox_client, body, code):
    response = sandbox_client.put(VARIANT.format(mn="tee01", vid="m"), body)
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == code


def test_keys_are_limited_to_32_bytes_of_safe_characters(sandbox_client):
    response = put(sandbox_client, "a" * 33, "m")
    assert response.json()["errors"] == [
        {
            "code": "IE0004",
            "message": "Max length of manageNumber must be within 32 bytes.",
            "metadata": {"propertyPath": "manageNumber"},
        }
    ]
    assert put(sandbox_client, "tee.01", "m").json()["errors"][0]["code"] == "IE0002"


def test_delete_removes_the_row(sandbox_client):
    put(sandbox_client, "tee01", "m")
    assert sandbox_client.delete(VARIANT.format(mn="tee01", vid="m")).status_code == 204
    assert sandbox_client.delete(VARIANT.format(mn="tee01", vid="m")).status_code == 404


def test_bulk_upsert_applies_everything_and_accepts_unknown_items(sandbox_client):
    body = {"inventories": [entry("tee01", "m", 3), entry("NEVER-LISTED", "x", 0)]}
    assert sandbox_client.post(BULK_UPSERT, body).status_code == 204
    assert stored(sandbox_client) == {("tee01", "m"): 3, ("never-listed", "x"): 0}


def test_bulk_upsert_is_all_or_nothing_and_lists_every_error(sandbox_client):
    put(sandbox_client, "tee01", "m", quantity=1)
    body = {
        "inventories": [
            entry("tee01", "m", 10),
            entry("tee01", "l", 100000),
            entry("tee01", "s", 1, "RELATIVE"),
            entry("TEE01", "m", 2),
            entry("tee01", "m", -5, "RELATIVE") | {"manageNumber": "cap01"},
        ]
    }
    response = sandbox_client.post(BULK_UPSERT, body)
    assert response.status_code == 400
    found = [(e["code"], e["metadata"]["propertyPath"]) for e in response.json()["errors"]]
    assert found == [
        ("IE0003", "inventories[1].quantity"),
        ("IE0500", "inventories[2].mode"),
        ("IE1102", "inventories[3]"),
        ("IE0500", "inventories[4].mode"),
    ]
    assert stored(sandbox_client) == {("tee01", "m"): 1}


def test_bulk_upsert_takes_1_to_400_entries(sandbox_client):
    entries = [entry("tee01", f"v{i}", 1) for i in range(401)]
    assert sandbox_client.post(BULK_UPSERT, {"inventories": entries}).status_code == 400
    assert stored(sandbox_client) == {}
    assert sandbox_client.post(BULK_UPSERT, {"inventories": []}).status_code == 400
    assert sandbox_client.post(BULK_UPSERT, {"inventories": entries[:400]}).status_code == 204
    assert len(stored(sandbox_client)) == 400


def test_an_item_may_not_have_more_than_400_variants(sandbox_client):
    sandbox_client.post(BULK_UPSERT, {"inventories": [entry("tee01", f"v{i}", 1) for i in range(400)]})
    assert put(sandbox_client, "tee01", "v400").json()["errors"][0]["code"] == "IE0121"
    assert put(sandbox_client, "tee01", "v399", quantity=9).status_code == 204


def test_bulk_get_returns_only_found_rows(sandbox_client):
    put(sandbox_client, "tee01", "m", quantity=4)
    keys = [{"manageNumber": "TEE01", "variantId": "m"}, {"manageNumber": "tee01", "variantId": "zz"}]
    response = sandbox_client.post(BULK_GET, {"inventories": keys})
    assert [(r["manageNumber"], r["variantId"], r["quantity"]) for r in response.json()["inventories"]] == [
        ("tee01", "m", 4)
    ]
    too_many = [{"manageNumber": "tee01", "variantId": f"v{i}"} for i in range(1001)]
    assert sandbox_client.post(BULK_GET, {"inventories": too_many}).status_code == 400


def test_range_get_filters_by_quantity_and_needs_a_bound(sandbox_client):
    for vid, quantity in (("a", 0), ("b", 5), ("c", 50)):
        put(sandbox_client, "tee01", vid, quantity=quantity)
    path = "/es/2.0/inventories/bulk-get/range"
    rows = sandbox_client.get(path, params={"maxQuantity": 5}).json()["inventories"]
    assert sorted(r["variantId"] for r in rows) == ["a", "b"]
    assert sandbox_client.get(path).json()["errors"][0]["code"] == "IE0105"
    assert sandbox_client.get(path, params={"minQuantity": 9, "maxQuantity": 1}).json()["errors"][0]["code"] == "IE0113"
