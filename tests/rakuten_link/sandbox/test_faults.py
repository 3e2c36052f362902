"""Sandbox misbehaviour on demand: rate limits, one-shot and random faults, drops and latency."""

from __future__ import annotations

import time

import pytest
import requests

from tests.support.sandbox import RmsTestClient

GET_ORDER = "/es/2.0/order/getOrder/"
ORDER_BODY = {"orderNumberList": ["000001-20260101-0000000001"], "version": 7}
ITEM = "/es/2.0/items/manage-numbers/tee01"
TOO_MANY = {"errors": [{"code": "GA0003", "message": "Too Many Requests"}]}


def statuses(client, count: int, path: str = ITEM) -> list[int]:
    return [client.get(path).status_code for _ in range(count)]


def test_without_rate_limits_bursts_are_fine(sandbox_client):
    assert [sandbox_client.post(GET_ORDER, ORDER_BODY).status_code for _ in range(3)] == [200] * 3


def test_the_order_api_allows_one_call_per_second_per_credential(sandbox, sandbox_client):
    sandbox_client.control("PATCH", "config", {"rate_limits": True})
    assert sandbox_client.post(GET_ORDER, ORDER_BODY).status_code == 200
    limited = sandbox_client.post(GET_ORDER, ORDER_BODY)
    assert (limited.status_code, limited.json()) == (429, TOO_MANY)
    sandbox_client.control(
        "POST", "credentials", {"serviceSecret": "SP000002_x", "licenseKey": "SL000002_x", "shop": "000002"}
    )
    other = RmsTestClient(sandbox, "SP000002_x", "SL000002_x")
    assert other.post(GET_ORDER, ORDER_BODY).status_code == 200
    time.sleep(1.05)
    assert sandbox_client.post(GET_ORDER, ORDER_BODY).status_code == 200


def test_items_allow_five_per_second_and_families_are_separate(sandbox_client):
    sandbox_client.control("PATCH", "config", {"rate_limits": True})
    assert statuses(sandbox_client, 6) == [404] * 5 + [429]
    assert sandbox_client.post(GET_ORDER, ORDER_BODY).status_code == 200


def test_the_over_limit_answer_is_configurable(sandbox_client):
    body = {"errors": [{"code": "X", "message": "slow down"}]}
    sandbox_client.control("PATCH", "config", {"rate_limits": True, "rate_limit_status": 503, "rate_limit_body": body})
    sandbox_client.post(GET_ORDER, ORDER_BODY)
    limited = sandbox_client.post(GET_ORDER, ORDER_BODY)
    assert (limited.status_code, limited.json()) == (503, body)


def test_one_shot_faults_fail_the_next_n_calls_of_one_function(sandbox_client):
    rule = {"function": "rpay.order.getOrder", "count": 2, "status": 503}
    assert sandbox_client.control("POST", "faults", rule).status_code == 201
    assert sandbox_client.get(ITEM).status_code == 404  # other functions are untouched
    results = [sandbox_client.post(GET_ORDER, ORDER_BODY) for _ in range(3)]
    assert [r.status_code for r in results] == [503, 503, 200]
    assert results[0].json()["errors"][0]["code"] == "GE0503"
    assert sandbox_client.control("GET", "faults").json()["faults"] == []


def test_one_shot_faults_can_target_a_family_with_a_custom_body(sandbox_client):
    body = {"errors": [{"code": "GE0019", "message": "boom"}]}
    sandbox_client.control("POST", "faults", {"function": "items", "status": 500, "body": body})
    response = sandbox_client.get(ITEM)
    assert (response.status_code, response.json()) == (500, body)


def test_a_dropped_connection_gets_no_answer_at_all(sandbox_client):
    sandbox_client.control("POST", "faults", {"function": "*", "drop": True})
    with pytest.raises(requests.ConnectionError):
        sandbox_client.get(ITEM)
    assert sandbox_client.get(ITEM).status_code == 404
    first = sandbox_client.control("GET", "requests").json()["requests"][0]
    assert (first["dropped"], first["status"]) == (True, None)


def test_an_after_fault_applies_the_call_then_loses_the_answer(sandbox, sandbox_client):
    from rakuten_link.sandbox.state.faults import FaultRule

    variant = "/es/2.0/inventories/manage-numbers/tee01/variants/tee01-m"
    sandbox.state.faults.add(FaultRule("inventoryapi_2.0.variants.upsert", 1, after=True))
    assert sandbox_client.control("POST", "faults", {"function": "rpay.order.getOrder", "after": True}
                                  ).json()["faults"][1]["after"] is True  # the control endpoint sets it too
    with pytest.raises(requests.ConnectionError):
        sandbox_client.put(variant, {"mode": "ABSOLUTE", "quantity": 7})
    assert sandbox_client.get(variant).json()["quantity"] == 7  # applied, though the client never heard
    first = sandbox_client.control("GET", "requests").json()["requests"][0]
    assert (first["dropped"], first["status"], first["shop"]) == (True, None, "000001")
    assert [rule.target for rule in sandbox.state.faults.rules] == ["rpay.order.getOrder"]


def test_random_faults_follow_the_seed(sandbox_client):
    runs = []
    for _ in range(2):
        sandbox_client.control("PATCH", "config", {"fault_503_rate": 0.3, "fault_500_rate": 0.2, "random_seed": 11})
        runs.append(statuses(sandbox_client, 30))
    assert runs[0] == runs[1]
    assert {404, 500, 503} == set(runs[0])


def test_drop_rate_one_drops_everything(sandbox_client):
    sandbox_client.control("PATCH", "config", {"drop_rate": 1.0})
    with pytest.raises(requests.ConnectionError):
        sandbox_client.get(ITEM)


def test_latency_delays_every_api_call(sandbox_client):
    sandbox_client.control("PATCH", "config", {"latency_ms": 250})
    started = time.monotonic()
    sandbox_client.get(ITEM)
    assert time.monotonic() - started >= 0.25
