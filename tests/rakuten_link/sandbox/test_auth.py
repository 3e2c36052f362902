"""Sandbox gateway behaviour: ESA auth in both error shapes, expiry, disabled functions, license API,
content type and unknown paths."""

from __future__ import annotations

from datetime import timedelta

import requests

from rakuten_link.sandbox import clock
from tests.support.sandbox import esa_header

SECRET, LICENSE = "SP000001_sandboxsecret", "SL000001_sandboxlicense"
ITEM_PATH = "/es/2.0/items/manage-numbers/tee01"
UNAUTHORISED = {"errors": [{"code": "GA0001", "message": "Un-Authorised"}]}


def search_body() -> dict:
    now = clock.now()
    start = clock.format_order_dt(now - timedelta(days=1))
    return {"dateType": 1, "startDatetime": start, "endDatetime": clock.format_order_dt(now)}


def test_it_accepts_the_registered_pair(sandbox_client):
    response = sandbox_client.post("/es/2.0/order/searchOrder/", search_body())
    assert response.status_code == 200


def test_it_rejects_a_wrong_key_with_the_gateway_shape(sandbox_client):
    response = sandbox_client.get(ITEM_PATH, headers={"Authorization": esa_header(SECRET, "SL000001_other")})
    assert response.status_code == 401
    assert response.json() == UNAUTHORISED


def test_it_rejects_missing_malformed_and_untrimmed_headers(sandbox_client):
    for header in ("", "Bearer abc", "ESA not-base64!", esa_header(SECRET + " ", LICENSE)):
        response = sandbox_client.get(ITEM_PATH, headers={"Authorization": header})
        assert response.status_code == 401, header


def test_it_uses_the_results_shape_behind_the_switch(sandbox_client):
    sandbox_client.control("PATCH", "config", {"auth_error_shape": "results"})
    response = sandbox_client.get(ITEM_PATH, headers={"Authorization": esa_header(SECRET, "nope")})
    assert response.status_code == 401
    assert response.json() == {"Results": {"errorCode": "ES01-01", "message": "Un-Authorised"}}


def test_it_rejects_an_expired_key(sandbox, sandbox_client):
    sandbox.state.find_credential(SECRET, LICENSE).expires_at = clock.now() - timedelta(seconds=1)
    response = sandbox_client.post("/es/2.0/order/searchOrder/", search_body())
    assert response.status_code == 401
    assert response.json() == UNAUTHORISED


def test_a_disabled_function_looks_like_bad_credentials_but_others_work(sandbox_client):
    body = {"serviceSecret": SECRET, "licenseKey": LICENSE, "disabledFunctions": ["rpay.order.searchOrder"]}
    sandbox_client.control("POST", "credentials", body)
    assert sandbox_client.post("/es/2.0/order/searchOrder/", search_body()).json() == UNAUTHORISED
    assert sandbox_client.get(ITEM_PATH).status_code == 404  # authenticated; the item just does not exist


def test_a_disabled_function_reports_es04_01_in_the_results_shape(sandbox_client):
    body = {"serviceSecret": SECRET, "licenseKey": LICENSE, "disabledFunctions": ["itemapi_2.0.items.get"]}
    sandbox_client.control("POST", "credentials", body)
    sandbox_client.control("PATCH", "config", {"auth_error_shape": "results"})
    response = sandbox_client.get(ITEM_PATH)
    assert response.status_code == 401
    assert response.json() == {"Results": {"errorCode": "ES04-01", "message": "Bad Request"}}


def test_a_deleted_credential_stops_working(sandbox_client):
    sandbox_client.control("DELETE", "credentials", {"serviceSecret": SECRET, "licenseKey": LICENSE})
    assert sandbox_client.get(ITEM_PATH).status_code == 401


def test_license_expiry_is_end_of_day_without_offset(sandbox_client):
    body = {"serviceSecret": SECRET, "licenseKey": LICENSE, "expiryDate": "2027-02-11"}
    sandbox_client.control("POST", "credentials", body)
    path = "/es/1.0/license-management/license-key/expiry-date"
    response = sandbox_client.get(path, params={"licenseKey": LICENSE})
    assert response.status_code == 200
    assert response.json() == {"expiryDate": "2027-02-11T23:59:59"}
    assert sandbox_client.get(path, params={"licenseKey": "SL_unknown"}).status_code == 404
    assert sandbox_client.get(path).json()["errors"][0]["code"] == "IE0001"


def test_a_json_write_without_json_content_type_is_415(sandbox_client):
    response = sandbox_client.call(
        "PUT", ITEM_PATH, data="title=x", headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert response.status_code == 415
    assert response.json()["errors"][0]["code"] == "GE0012"


def test_both_charset_spellings_are_accepted(sandbox_client):
    for content_type in ("application/json; charset=utf-8", "application/json;charset=UTF-8"):
        response = sandbox_client.post(
            "/es/2.0/order/searchOrder/", search_body(), headers={"Content-Type": content_type}
        )
        assert response.status_code == 200


def test_unknown_paths_are_404_and_wrong_methods_405(sandbox_client):
    assert sandbox_client.get("/es/2.0/nothing").status_code == 404
    assert sandbox_client.get("/es/2.0/order/searchOrder/").status_code == 405


def test_order_paths_work_with_and_without_the_trailing_slash(sandbox_client):
    assert sandbox_client.post("/es/2.0/order/searchOrder", search_body()).status_code == 200


def test_control_health_needs_no_auth(sandbox):
    assert requests.get(f"{sandbox.url}/_sandbox/health", timeout=5).json() == {"ok": True}
