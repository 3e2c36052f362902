"""Inventory, item and license methods against a scripted local server: paths, bodies, batching, parsing."""

from __future__ import annotations

from datetime import datetime

import pytest

from rakuten_link.rms import JST, ApiCallInfo, InventoryUpdate, RmsClient
from tests.support.rms_stub import LICENSE, SECRET, Recorded, Reply, StubRms, closed_port

INVENTORY = {
    "manageNumber": "tee01",
    "variantId": "tee01-m",
    "quantity": 7,
    "created": "2023-04-01T09:00:00+09:00",
    "updated": "2024-05-01T10:20:30+09:00",
}


def client_for(stub: StubRms, calls: list | None = None) -> RmsClient:
    on_call = calls.append if calls is not None else None
    return RmsClient(SECRET, LICENSE, base_url=stub.url, backoff_base=0.001, on_call=on_call)


def offline_client() -> RmsClient:
    return RmsClient(SECRET, LICENSE, base_url=f"http://127.0.0.1:{closed_port()}", max_retries=0)


def test_get_variant_inventory_reads_one_sku():
    calls: list[ApiCallInfo] = []
    with StubRms() as stub:
        stub.reply(200, INVENTORY)
        record = client_for(stub, calls).get_variant_inventory("tee01", "tee01-m")
    assert (stub.requests[0].method, stub.requests[0].path) == (
        "GET",
        "/es/2.0/inventories/manage-numbers/tee01/variants/tee01-m",
    )
    assert (record.manage_number, record.variant_id, record.quantity) == ("tee01", "tee01-m", 7)
    assert record.updated == datetime(2024, 5, 1, 10, 20, 30, tzinfo=JST)
    assert calls[0].function == "inventoryapi_2.0.variants.get"


def test_upsert_variant_inventory_puts_mode_and_quantity():
    with StubRms() as stub:
        stub.reply(204)
        client_for(stub).upsert_variant_inventory("tee01", "tee01-m", 3)
    assert stub.requests[0].method == "PUT"
    assert stub.requests[0].body == {"mode": "ABSOLUTE", "quantity": 3}


def test_an_unknown_mode_is_refused_before_sending():
    with pytest.raises(ValueError):
        offline_client().upsert_variant_inventory("tee01", "tee01-m", 3, mode="ADD")


def test_bulk_get_inventories_sends_batches_of_1000():
    def handler(request: Recorded) -> Reply:
        rows = [{**pair, "quantity": 1} for pair in request.body["inventories"]]
        return Reply(200, {"inventories": rows})

    pairs = [("item", f"v{i}") for i in range(2500)]
    with StubRms(handler) as stub:
        records = client_for(stub).bulk_get_inventories(pairs + pairs[:5])
    assert [len(r.body["inventories"]) for r in stub.requests] == [1000, 1000, 500]
    assert stub.requests[0].path == "/es/2.0/inventories/bulk-get"
    assert stub.requests[0].body["inventories"][0] == {"manageNumber": "item", "variantId": "v0"}
    assert [(r.manage_number, r.variant_id) for r in records] == pairs


def test_bulk_upsert_inventories_is_one_call():
    updates = [InventoryUpdate("tee01", f"v{i}", i) for i in range(400)]
    updates[1] = InventoryUpdate("tee01", "v1", -2, "RELATIVE")
    with StubRms() as stub:
        stub.reply(204)
        client_for(stub).bulk_upsert_inventories(updates)
    (request,) = stub.requests
    assert (request.method, request.path) == ("POST", "/es/2.0/inventories/bulk-upsert")
    assert len(request.body["inventories"]) == 400
    assert request.body["inventories"][1] == {
        "manageNumber": "tee01",
        "variantId": "v1",
        "mode": "RELATIVE",
        "quantity": -2,
    }


def test_bulk_upsert_refuses_more_than_400_rows_and_skips_an_empty_list():
    client = offline_client()
    with pytest.raises(ValueError):
        client.bulk_upsert_inventories([InventoryUpdate("a", f"v{i}", 1) for i in range(401)])
    client.bulk_upsert_inventories([])  # no call: the offline client would raise otherwise


def test_get_item_parses_the_item():
    with StubRms() as stub:
        stub.reply(
            200,
            {
                "manageNumber": "tee01",
                "title": "Tシャツ",
                "variants": {"tee01-m": {"merchantDefinedSkuId": "X", "standardPrice": "3300"}},
            },
        )
        item = client_for(stub).get_item("tee01")
    assert stub.requests[0].path == "/es/2.0/items/manage-numbers/tee01"
    assert item.variants["tee01-m"].merchant_defined_sku_id == "X"


def test_bulk_get_items_sends_batches_of_50():
    def handler(request: Recorded) -> Reply:
        return Reply(200, {"results": [{"manageNumber": mn} for mn in request.body["manageNumbers"]]})

    numbers = [f"item{i:03d}" for i in range(120)]
    with StubRms(handler) as stub:
        items = client_for(stub).bulk_get_items(numbers)
    assert [len(r.body["manageNumbers"]) for r in stub.requests] == [50, 50, 20]
    assert stub.requests[0].path == "/es/2.0/items/bulk-get"
    assert [i.manage_number for i in items] == numbers


@pytest.mark.parametrize(("status", "created"), [(201, True), (204, False)])
def test_upsert_item_says_whether_it_created_the_item(status, created):
    body = {"itemNumber": "tee01", "title": "Tシャツ"}
    with StubRms() as stub:
        stub.reply(status, {"manageNumber": "tee01"} if status == 201 else None)
        assert client_for(stub).upsert_item("tee01", body) is created
    assert (stub.requests[0].method, stub.requests[0].body) == ("PUT", body)


def test_search_items_walks_the_cursor_until_it_stops_moving():
    pages = {
        "*": {
            "numFound": 3,
            "nextCursorMark": "c1",
            "results": [{"item": {"manageNumber": "a"}}, {"item": {"manageNumber": "b"}}],
        },
        "c1": {"numFound": 3, "nextCursorMark": "c2", "results": [{"item": {"manageNumber": "c"}}]},
        "c2": {"numFound": 3, "nextCursorMark": "c2", "results": []},
    }
    with StubRms(lambda request: Reply(200, pages[request.query["cursorMark"][0]])) as stub:
        items = list(client_for(stub).search_items(title="Tシャツ", is_hidden_item=False))
    assert [i.manage_number for i in items] == ["a", "b", "c"]
    assert [r.query["cursorMark"][0] for r in stub.requests] == ["*", "c1", "c2"]
    first = stub.requests[0]
    assert first.path == "/es/2.0/items/search"
    assert first.query == {"title": ["Tシャツ"], "isHiddenItem": ["false"], "cursorMark": ["*"], "hits": ["100"]}


def test_get_license_expiry_sends_the_key_as_a_query_and_reads_jst():
    with StubRms() as stub:
        stub.reply(200, {"expiryDate": "2026-11-28T23:59:59"})
        expiry = client_for(stub).get_license_expiry()
    request = stub.requests[0]
    assert (request.method, request.path) == ("GET", "/es/1.0/license-management/license-key/expiry-date")
    assert request.query == {"licenseKey": [LICENSE]}
    assert expiry == datetime(2026, 11, 28, 23, 59, 59, tzinfo=JST)
