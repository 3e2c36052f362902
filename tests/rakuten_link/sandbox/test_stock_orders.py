"""The sandbox sells only what its own inventory holds, as Rakuten does, and takes the units off."""

from __future__ import annotations

from rakuten_link.sandbox.state.autogen import AutoOrderGenerator
from rakuten_link.sandbox.state.catalogue import DEMO_SHOP, demo_catalogue, item_json


def seed(client, stock: dict[str, int]) -> None:
    """The demo items named in ``stock`` (manageNumber → quantity of each of its variants)."""
    entries = [e for e in demo_catalogue() if e["manageNumber"] in stock]
    for entry in entries:
        body = {"items": [item_json(entry)], "quantity": stock[entry["manageNumber"]]}
        assert client.control("POST", "items", body).status_code == 201


def quantities(client) -> dict[tuple[str, str], int]:
    rows = client.control("GET", "inventory").json()["inventories"]
    return {(r["manageNumber"], r["variantId"]): r["quantity"] for r in rows}


def sold(sandbox) -> dict[tuple[str, str], int]:
    units: dict[tuple[str, str], int] = {}
    for order in sandbox.state.orders.values():
        for package in order["PackageModelList"]:
            for line in package["ItemModelList"]:
                key = (line["manageNumber"], line["SkuModelList"][0]["variantId"])
                units[key] = units.get(key, 0) + line["units"]
    return units


def test_random_orders_never_sell_what_rakuten_has_no_stock_of(sandbox_client, sandbox):
    seed(sandbox_client, {"tote01": 0, "belt01": 3, "gloves01": 500})
    response = sandbox_client.control("POST", "orders", {"random": 40})
    assert response.status_code == 201, response.text

    units = sold(sandbox)
    assert ("tote01", "tote01") not in units
    assert units.get(("belt01", "r-sku00000001"), 0) <= 3
    after = quantities(sandbox_client)
    assert after[("tote01", "tote01")] == 0
    assert after[("belt01", "r-sku00000001")] == 3 - units.get(("belt01", "r-sku00000001"), 0)
    assert after[("gloves01", "gloves01")] == 500 - units[("gloves01", "gloves01")]


def test_when_everything_is_sold_out_no_random_order_is_made(sandbox_client, sandbox):
    seed(sandbox_client, {"tote01": 1})
    assert sandbox_client.control("POST", "orders", {"random": 1}).status_code == 201
    response = sandbox_client.control("POST", "orders", {"random": 1})
    assert response.status_code == 400 and "stock" in response.json()["error"]
    assert len(sandbox.state.orders) == 1 and quantities(sandbox_client)[("tote01", "tote01")] == 0
    assert AutoOrderGenerator(sandbox.state).generate_once() == []  # the demo's generator skips the shop


def test_a_hand_written_order_beyond_the_stock_is_refused_unless_forced(sandbox_client, sandbox):
    seed(sandbox_client, {"tote01": 1})
    line = {"manageNumber": "tote01", "variantId": "tote01", "units": 2}
    body = {"orders": [{"PackageModelList": [{"ItemModelList": [line]}]}]}
    response = sandbox_client.control("POST", "orders", body)
    assert response.status_code == 400 and "tote01" in response.json()["error"]
    assert sandbox.state.orders == {} and quantities(sandbox_client)[("tote01", "tote01")] == 1

    forced = sandbox_client.control("POST", "orders", {**body, "force": True})
    assert forced.status_code == 201, forced.text
    assert quantities(sandbox_client)[("tote01", "tote01")] == 0


def test_items_without_an_inventory_row_stay_orderable(sandbox_client, sandbox):
    sandbox.state.items_of(DEMO_SHOP)  # nothing seeded: the fallback item, which has no row
    assert sandbox_client.control("POST", "orders", {"random": 3}).status_code == 201
