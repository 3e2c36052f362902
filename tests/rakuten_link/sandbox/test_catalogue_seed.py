"""The sandbox's `catalogue` seed (a deterministic 20,000-variant shop with its truth) and mid-walk faults."""

from __future__ import annotations

from collections import Counter

from rakuten_link.sandbox.state.big_catalogue import build_catalogue, full_width, jan_code, mangle
from tests.support.rms_stub import control

SEARCH = "/es/2.0/items/search"


def test_the_seed_is_deterministic_and_realistic():
    first, again = build_catalogue(), build_catalogue()
    assert first.truth == again.truth and first.items == again.items and first.skus == again.skus
    assert first.variant_count == 20_000
    kinds = Counter(first.kinds.values())
    assert set(kinds) == {"exact", "normalised", "jan", "item_number", "pre_sku", "name", "unmatched"}
    assert sum(1 for item in first.items if item["hideItem"]) > 50
    ours = {sku["code"] for sku in first.skus}
    assert all(code in ours for code in first.truth.values() if code is not None)
    assert len(ours) > sum(1 for code in first.truth.values() if code)  # some SKUs of ours are not on Rakuten
    odd = [v["merchantDefinedSkuId"] for item in first.items for v in (item.get("variants") or {}).values()
           if v["merchantDefinedSkuId"] and v["merchantDefinedSkuId"] not in ours]
    assert any(not code.isascii() for code in odd) and any("_" in code or " " in code for code in odd)


def test_helpers_make_the_shapes_shops_type():
    import random

    rng = random.Random(1)
    jan = jan_code(rng)
    digits = [int(d) for d in jan]
    assert len(jan) == 13 and sum(d * (3 if i % 2 else 1) for i, d in enumerate(digits)) % 10 == 0
    assert full_width("TS-0001") == "ＴＳ－０００１"
    assert {mangle("TS-0001-M", random.Random(n)) for n in range(30)} > {"ts-0001-m"}


def test_the_seed_serves_the_catalogue_over_http(sandbox, sandbox_client):
    control(sandbox, "POST", "reset", {"seed": "catalogue"})
    catalogue = build_catalogue()
    page = sandbox_client.get(SEARCH, params={"cursorMark": "*", "hits": 100}).json()
    assert page["numFound"] == len(catalogue.items) and len(page["results"]) == 100
    legacy = next(item["manageNumber"] for item in catalogue.items if "legacyChoices" in item)
    found = sandbox_client.post("/es/2.0/items/bulk-get", json={"manageNumbers": [legacy]}).json()["results"]
    assert found[0]["legacyChoices"]["horizontalName"] == "カラー" and "variants" not in found[0]


def test_a_fault_can_let_the_first_calls_through(sandbox, sandbox_client):
    control(sandbox, "POST", "reset", {"seed": "catalogue"})
    control(sandbox, "POST", "faults", {"function": "itemapi_2.0.items.search", "count": 1, "status": 500, "skip": 2})
    statuses = [sandbox_client.get(SEARCH, params={"hits": 1}).status_code for _ in range(4)]
    assert statuses == [200, 200, 500, 200]
