"""Per-shop latency: one slow shop on a sandbox that answers every other shop at once."""

from __future__ import annotations

import time

from tests.support.sandbox import RmsTestClient

ITEM = "/es/2.0/items/manage-numbers/tee01"


def timed_get(client: RmsTestClient) -> float:
    started = time.monotonic()
    client.get(ITEM)
    return time.monotonic() - started


def test_latency_by_shop_slows_only_that_shop(sandbox, sandbox_client):
    sandbox_client.control(
        "POST", "credentials", {"serviceSecret": "SP000002_x", "licenseKey": "SL000002_x", "shop": "000002"}
    )
    slow = RmsTestClient(sandbox, "SP000002_x", "SL000002_x")
    answer = sandbox_client.control("PATCH", "config", {"latency_ms_by_shop": {"000002": 300}})
    assert answer.json()["latency_ms_by_shop"] == {"000002": 300}
    assert timed_get(slow) >= 0.3
    assert timed_get(sandbox_client) < 0.25


def test_shop_latency_overrides_the_global_one(sandbox, sandbox_client):
    sandbox_client.control("PATCH", "config", {"latency_ms": 300, "latency_ms_by_shop": {"000001": 0}})
    assert timed_get(sandbox_client) < 0.25


def test_bad_shop_latency_is_refused(sandbox_client):
    for bad in ({"1": 5}, {"000002": -1}, {"000002": True}, [1]):
        response = sandbox_client.control("PATCH", "config", {"latency_ms_by_shop": bad})
        assert response.status_code == 400
    assert sandbox_client.control("GET", "config").json()["latency_ms_by_shop"] == {}
