"""The real client against the real RMS sandbox over HTTP: Inventory API 2.0 and Item API 2.0."""

from __future__ import annotations

import pytest

from rakuten_link.rms import InventoryUpdate, RmsClient, RmsNotFoundError, RmsRequestError
from rakuten_link.sandbox.state.catalogue import DEMO_CATALOGUE, DEMO_LICENSE_KEY, DEMO_SERVICE_SECRET
from rakuten_link.sandbox.state.first_day import FIRST_DAY_CATALOGUE
from tests.support.rms_stub import control


@pytest.fixture
def shop(sandbox):
    control(sandbox, "POST", "reset", {"seed": "demo"})
    return sandbox


@pytest.fixture
def client(shop) -> RmsClient:
    return RmsClient(DEMO_SERVICE_SECRET, DEMO_LICENSE_KEY, base_url=shop.url, backoff_base=0.01)


def stock(shop, manage_number: str) -> dict[str, int]:
    rows = control(shop, "GET", f"inventory?manageNumber={manage_number}")["inventories"]
    return {row["variantId"]: row["quantity"] for row in rows}


def test_get_variant_inventory_matches_the_sandbox(client, shop):
    record = client.get_variant_inventory("tee01", "tee01-m-blk")
    assert (record.manage_number, record.variant_id) == ("tee01", "tee01-m-blk")
    assert record.quantity == stock(shop, "tee01")["tee01-m-blk"]
    assert record.updated is not None and record.updated.tzinfo is not None


def test_an_unknown_variant_is_not_found(client):
    with pytest.raises(RmsNotFoundError) as caught:
        client.get_variant_inventory("tee01", "no-such-variant")
    assert caught.value.code == "GE0014"


def test_upsert_variant_inventory_sets_and_adds(client, shop):
    client.upsert_variant_inventory("tee01", "tee01-m-blk", 10)
    client.upsert_variant_inventory("tee01", "tee01-m-blk", -3, mode="RELATIVE")
    assert stock(shop, "tee01")["tee01-m-blk"] == 7


def test_an_out_of_range_quantity_is_a_request_error_with_its_field(client):
    with pytest.raises(RmsRequestError) as caught:
        client.upsert_variant_inventory("tee01", "tee01-m-blk", 100_000)
    assert caught.value.code == "IE0003" and caught.value.errors[0].property_path == "quantity"


def test_bulk_get_inventories_returns_known_pairs_only(client, shop):
    expected = stock(shop, "tee01")
    pairs = [("tee01", vid) for vid in expected] + [("tee01", "ghost")]
    records = client.bulk_get_inventories(pairs)
    assert {r.variant_id: r.quantity for r in records} == expected


def test_bulk_upsert_inventories_applies_all_rows(client, shop):
    updates = [InventoryUpdate("tee01", vid, 5) for vid in stock(shop, "tee01")]
    client.bulk_upsert_inventories(updates)
    assert set(stock(shop, "tee01").values()) == {5}


def test_bulk_upsert_inventories_is_all_or_nothing(client, shop):
    before = stock(shop, "tee01")
    updates = [InventoryUpdate("tee01", vid, 5) for vid in before] + [InventoryUpdate("tee01", "x", -1)]
    with pytest.raises(RmsRequestError) as caught:
        client.bulk_upsert_inventories(updates)
    assert caught.value.errors and caught.value.errors[0].property_path.startswith("inventories[")
    assert stock(shop, "tee01") == before


def test_get_item_returns_selectors_and_variants(client, shop):
    item = client.get_item("tee01")
    assert item.title == "ベーシック無地Tシャツ 綿100%"
    assert [s.key for s in item.variant_selectors] == ["size", "color"]
    assert item.variant_selectors[0].values == ["S", "M", "L"]
    variant = item.variants["tee01-m-blk"]
    assert variant.merchant_defined_sku_id == "TEE01-M-BLK"
    assert variant.selector_values == {"size": "M", "color": "ブラック"}
    assert variant.standard_price == 2980


def test_get_item_of_an_unknown_number_is_not_found(client):
    with pytest.raises(RmsNotFoundError):
        client.get_item("nosuch01")


def test_bulk_get_items_returns_every_demo_item(client, shop):
    numbers = [item["manageNumber"] for item in control(shop, "GET", "items")["items"]]
    items = client.bulk_get_items(numbers + ["nosuch01"])
    assert sorted(i.manage_number for i in items) == sorted(numbers)


def test_upsert_item_creates_then_replaces(client, shop):
    body = client.get_item("tote01").raw
    body = {k: v for k, v in body.items() if k not in ("manageNumber", "created", "updated")}
    assert client.upsert_item("tote02", {**body, "title": "新しいトート"}) is True
    assert client.upsert_item("tote02", {**body, "title": "新しいトート 改"}) is False
    assert client.get_item("tote02").title == "新しいトート 改"


def test_search_items_walks_every_page(client, shop):
    template = client.get_item("tote01").raw
    extra = [{**template, "manageNumber": f"bag{i:03d}", "itemNumber": f"bag{i:03d}"} for i in range(110)]
    for item in extra:
        item.pop("created", None)
        item.pop("updated", None)
    control(shop, "POST", "items", {"items": extra})
    control(shop, "DELETE", "requests")
    found = [item.manage_number for item in client.search_items()]
    assert len(found) == len(set(found)) == 110 + len(DEMO_CATALOGUE) + len(FIRST_DAY_CATALOGUE)
    log = control(shop, "GET", "requests?function=itemapi_2.0.items.search")["requests"]
    assert [(entry["query"]["cursorMark"] == "*", entry["query"]["hits"]) for entry in log][:2] == [
        (True, "100"),
        (False, "100"),
    ]
    assert {i.manage_number for i in client.search_items(manage_number="bag10")} == {
        f"bag{i:03d}" for i in range(100, 110)
    }
