"""Sandbox control API: seeds, realistic random orders, stock effects, readbacks, request log, config."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

from rakuten_link.sandbox.state.catalogue import DEMO_CATALOGUE
from rakuten_link.sandbox.state.first_day import FIRST_DAY_CATALOGUE

ORDER_NUMBER = re.compile(r"^000001-\d{8}-\d{10}$")
EMAIL = re.compile(r"^[0-9a-f]+@pc\.fw\.rakuten\.ne\.jp$")


def get_orders(client, numbers: list[str]) -> list[dict]:
    return [client.control("GET", f"orders/{n}").json() for n in numbers]


def lines_of(order: dict) -> list[dict]:
    return [line for package in order["PackageModelList"] for line in package["ItemModelList"]]


def test_demo_seed_has_credentials_catalogue_stock_and_orders(sandbox, sandbox_client):
    sandbox_client.control("POST", "reset", {"seed": "demo"})
    assert sandbox_client.get("/es/2.0/items/manage-numbers/tee01").status_code == 200
    items = sandbox_client.control("GET", "items").json()["items"]
    variants = sum(len(i["variants"]) for i in items)
    mapped = [i for i in items if i["manageNumber"] in {e["manageNumber"] for e in DEMO_CATALOGUE}]
    assert len(mapped) == 20 and 55 <= sum(len(i["variants"]) for i in mapped) <= 65
    assert len(items) == 20 + len(FIRST_DAY_CATALOGUE)  # and the items it has not mapped yet (first_day.py)
    assert "tee01-m-blk" in next(i for i in items if i["manageNumber"] == "tee01")["variants"]
    assert len(sandbox_client.control("GET", "inventory").json()["inventories"]) == variants
    assert len(sandbox_client.control("GET", "orders").json()["orders"]) >= 5


def test_the_catalogue_matches_the_demo_items(sandbox_client):
    sandbox_client.control("POST", "reset", {"seed": "demo"})
    for entry in DEMO_CATALOGUE:
        item = sandbox_client.get(f"/es/2.0/items/manage-numbers/{entry['manageNumber']}").json()
        for variant in entry["variants"]:
            assert item["variants"][variant["variantId"]]["merchantDefinedSkuId"] == variant["merchantDefinedSkuId"]
    single = [e for e in DEMO_CATALOGUE if not e["selectors"]]
    assert single and all(len(e["variants"]) == 1 for e in single)


def test_catalogue_imports_without_starting_anything():
    code = "import sys, rakuten_link.sandbox.state.catalogue as c; assert c.DEMO_CATALOGUE; print(sorted(sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[3],
    ).stdout
    assert "rakuten_link.sandbox.server" not in out and "django" not in out


def test_random_orders_are_realistic_and_use_seeded_skus(sandbox_client):
    sandbox_client.control("POST", "reset", {"seed": "demo", "config": {"random_seed": 3}})
    response = sandbox_client.control("POST", "orders", {"random": 40})
    orders = get_orders(sandbox_client, response.json()["orderNumbers"])
    items = {i["manageNumber"]: i for i in sandbox_client.control("GET", "items").json()["items"]}
    for order in orders:
        assert ORDER_NUMBER.match(order["orderNumber"])
        assert EMAIL.match(order["OrdererModel"]["emailAddress"])
        assert 1 <= len(lines_of(order)) <= 6
        points, coupons = order["PointModel"]["usedPoint"], order["couponAllTotalPrice"]
        assert order["requestPrice"] == order["totalPrice"] + order["paymentCharge"] - coupons - points
        assert sum(t["reqPrice"] for t in order["TaxSummaryModelList"]) == order["requestPrice"]
        for line in lines_of(order):
            sku = line["SkuModelList"][0]
            assert sku["variantId"] in items[line["manageNumber"]]["variants"]
    assert any(len(o["PackageModelList"]) > 1 for o in orders)
    assert any(o["CouponModelList"] for o in orders) and any(o["PointModel"]["usedPoint"] for o in orders)
    rates = {t["taxRate"] for o in orders for t in o["TaxSummaryModelList"]}
    assert rates == {0.08, 0.1}


def test_demo_orders_draw_from_the_mapped_items_until_the_config_says_otherwise(sandbox_client):
    """The first-day items sell only once the demo's order_items_by_shop is lifted."""
    sandbox_client.control("POST", "reset", {"seed": "demo", "config": {"random_seed": 5}})
    mapped = {entry["manageNumber"] for entry in DEMO_CATALOGUE}
    numbers = [o["orderNumber"] for o in sandbox_client.control("GET", "orders").json()["orders"]]
    numbers += sandbox_client.control("POST", "orders", {"random": 30}).json()["orderNumbers"]
    assert {line["manageNumber"] for o in get_orders(sandbox_client, numbers) for line in lines_of(o)} <= mapped
    assert sandbox_client.control("PATCH", "config", {"order_items_by_shop": {}}).status_code == 200
    numbers = sandbox_client.control("POST", "orders", {"random": 30}).json()["orderNumbers"]
    assert {line["manageNumber"] for o in get_orders(sandbox_client, numbers) for line in lines_of(o)} - mapped


def test_order_items_by_shop_is_checked(sandbox_client):
    for bad in ({"1": ["tee01"]}, {"000001": "tee01"}, {"000001": [""]}, ["tee01"]):
        assert sandbox_client.control("PATCH", "config", {"order_items_by_shop": bad}).status_code == 400
    answer = sandbox_client.control("PATCH", "config", {"order_items_by_shop": {"000001": ["TEE01"]}})
    assert answer.status_code == 200 and answer.json()["order_items_by_shop"] == {"000001": ["tee01"]}


def test_random_orders_respect_items_and_date_range(sandbox_client):
    sandbox_client.control("POST", "reset", {"seed": "demo"})
    stock = {"inventories": [{"manageNumber": "tea01", "variantId": "tea01", "quantity": 100}]}
    sandbox_client.control("POST", "inventory", stock)  # the seed's own count may be too small for 10 orders
    body = {"random": 10, "items": ["tea01"], "start": "2026-01-01", "end": "2026-03-31T00:00:00+09:00"}
    orders = get_orders(sandbox_client, sandbox_client.control("POST", "orders", body).json()["orderNumbers"])
    assert {line["manageNumber"] for o in orders for line in lines_of(o)} == {"tea01"}
    assert all("2026-01-01" <= o["orderDatetime"][:10] <= "2026-03-31" for o in orders)
    assert all(o["orderNumber"][7:15] == o["orderDatetime"][:10].replace("-", "") for o in orders)


def test_the_random_seed_makes_orders_reproducible(sandbox_client):
    runs = []
    for _ in range(2):
        sandbox_client.control("POST", "reset", {"seed": "demo", "config": {"random_seed": 99}})
        runs.append(sandbox_client.control("POST", "orders", {"random": 3}).json()["orderNumbers"])
    assert runs[0] == runs[1]


def test_partial_orders_get_defaults_and_milestones(sandbox_client):
    body = {
        "orders": [
            {
                "orderProgress": 300,
                "orderDatetime": "2026-04-01T10:00:00+09:00",
                "PackageModelList": [{"ItemModelList": [{"manageNumber": "unknown01", "variantId": "u-1"}]}],
            }
        ]
    }
    (order,) = get_orders(sandbox_client, sandbox_client.control("POST", "orders", body).json()["orderNumbers"])
    assert order["orderNumber"].startswith("000001-20260401-")
    assert order["orderDatetime"] == "2026-04-01T10:00:00+0900"
    assert order["shopOrderCfmDatetime"] and order["orderFixDatetime"] and not order["shippingCmplRptDatetime"]
    line = lines_of(order)[0]
    assert (line["manageNumber"], line["SkuModelList"][0]["variantId"]) == ("unknown01", "u-1")
    bad = sandbox_client.control("POST", "orders", {"orders": [{"orderNumber": "999999-20260101-0000000001"}]})
    assert bad.status_code == 400


def test_orders_take_stock_and_cancellation_gives_it_back(sandbox_client):
    sandbox_client.control(
        "POST", "inventory", {"inventories": [{"manageNumber": "tee01", "variantId": "m", "quantity": 10}]}
    )
    order = {"PackageModelList": [{"ItemModelList": [{"manageNumber": "tee01", "variantId": "m", "units": 3}]}]}
    (number,) = sandbox_client.control("POST", "orders", {"orders": [order]}).json()["orderNumbers"]
    quantity = sandbox_client.control("GET", "inventory", params={"manageNumber": "tee01"}).json()["inventories"][0]
    assert quantity["quantity"] == 7
    sandbox_client.post(
        "/es/2.0/order/cancelOrder/", {"orderNumber": number, "inventoryRestoreType": 1, "changeReasonDetailApply": 1}
    )
    assert sandbox_client.control("GET", "inventory").json()["inventories"][0]["quantity"] == 10
    sandbox_client.control("PATCH", "config", {"order_decrements_inventory": False})
    sandbox_client.control("POST", "orders", {"orders": [order]})
    assert sandbox_client.control("GET", "inventory").json()["inventories"][0]["quantity"] == 10


def test_an_order_can_be_patched_to_simulate_buyer_changes(sandbox_client):
    (number,) = sandbox_client.control("POST", "orders", {"random": 1}).json()["orderNumbers"]
    response = sandbox_client.control("PATCH", f"orders/{number}", {"OrdererModel": {"city": "港区"}, "memo": "x"})
    assert response.json()["OrdererModel"]["city"] == "港区"
    assert response.json()["OrdererModel"]["familyName"]
    assert sandbox_client.control("GET", "orders/000001-20200101-0000000000").status_code == 404


def test_the_request_log_shows_what_rakuten_received(sandbox_client):
    sandbox_client.put("/es/2.0/inventories/manage-numbers/tee01/variants/m", {"mode": "ABSOLUTE", "quantity": 1})
    sandbox_client.post("/es/2.0/order/searchOrder/", {})
    log = sandbox_client.control("GET", "requests", params={"function": "rpay.order.searchOrder"}).json()["requests"]
    assert [(e["status"], e["errorCode"], e["body"], e["shop"]) for e in log] == [
        (400, "ORDER_EXT_API_SEARCH_ORDER_ERROR_009", {}, "000001")
    ]
    everything = sandbox_client.control("GET", "requests").json()["requests"]
    assert everything[0]["function"] == "inventoryapi_2.0.variants.upsert"
    assert everything[0]["body"] == {"mode": "ABSOLUTE", "quantity": 1}
    sandbox_client.control("DELETE", "requests")
    assert sandbox_client.control("GET", "requests").json()["requests"] == []


def test_config_can_be_read_patched_and_reset(sandbox_client):
    config = sandbox_client.control("GET", "config").json()
    assert (config["rate_limits"], config["fault_503_rate"], config["auth_error_shape"]) == (False, 0.0, "errors")
    assert sandbox_client.control("PATCH", "config", {"latency_ms": 5}).json()["latency_ms"] == 5
    assert sandbox_client.control("PATCH", "config", {"no_such_switch": 1}).status_code == 400
    assert sandbox_client.control("PATCH", "config", {"drop_rate": 2}).status_code == 400
    sandbox_client.control("POST", "reset", {})
    assert sandbox_client.control("GET", "config").json()["latency_ms"] == 0
    assert sandbox_client.control("POST", "reset", {"seed": "nope"}).status_code == 400


def test_the_auto_order_generator_creates_orders_per_shop(sandbox_client):
    sandbox_client.control("PATCH", "config", {"auto_orders_every_s": 0.2})
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and not sandbox_client.control("GET", "orders").json()["orders"]:
        time.sleep(0.1)
    sandbox_client.control("PATCH", "config", {"auto_orders_every_s": 0})
    orders = sandbox_client.control("GET", "orders").json()["orders"]
    assert orders and all(o["orderNumber"].startswith("000001-") for o in orders)
