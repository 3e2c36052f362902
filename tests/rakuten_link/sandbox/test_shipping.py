"""Sandbox updateOrderShipping rules, the nightly tick (300 → 500) and Rakuten's own 200 → 300 move."""

from __future__ import annotations

import time

SHIP = "/es/2.0/order/updateOrderShipping/"


def ready_order(client, progress: int = 300) -> tuple[str, int]:
    response = client.control("POST", "orders", {"orders": [{"orderProgress": progress}]})
    number = response.json()["orderNumbers"][0]
    basket = client.control("GET", f"orders/{number}").json()["PackageModelList"][0]["basketId"]
    return number, basket


def rows_of(client, number: str) -> list[dict]:
    return client.control("GET", f"orders/{number}").json()["PackageModelList"][0]["ShippingModelList"]


def ship(client, number: str, basket: int, *rows: dict):
    return client.post(
        SHIP, {"orderNumber": number, "BasketidModelList": [{"basketId": basket, "ShippingModelList": list(rows)}]}
    )


def test_it_adds_rows_and_stores_them_on_the_order(sandbox_client):
    number, basket = ready_order(sandbox_client)
    row = {"deliveryCompany": "1001", "shippingNumber": "123456789012", "shippingDate": "2026-05-02"}
    response = ship(sandbox_client, number, basket, row, {"deliveryCompany": "1002"})
    assert response.status_code == 200
    messages = response.json()["MessageModelList"]
    assert [(m["messageCode"], m["dataNumber"]) for m in messages] == [
        ("ORDER_EXT_API_UPDATE_ORDERSHIPPING_INFO_101", 1),
        ("ORDER_EXT_API_UPDATE_ORDERSHIPPING_INFO_101", 2),
    ]
    stored = rows_of(sandbox_client, number)
    assert stored[0] == {
        "shippingDetailId": messages[0]["shippingDetailId"],
        "shippingNumber": "123456789012",
        "deliveryCompany": "1001",
        "deliveryCompanyName": "ヤマト運輸",
        "shippingDate": "2026-05-02",
    }
    assert stored[1]["deliveryCompanyName"] == "佐川急便" and stored[1]["shippingNumber"] is None


def test_it_updates_clears_and_deletes_rows_by_id(sandbox_client):
    number, basket = ready_order(sandbox_client)
    ship(
        sandbox_client,
        number,
        basket,
        {"deliveryCompany": "1001", "shippingNumber": "A1", "shippingDate": "2026-05-02"},
        {"deliveryCompany": "1003", "shippingNumber": "B2"},
    )
    first, second = (r["shippingDetailId"] for r in rows_of(sandbox_client, number))
    response = ship(
        sandbox_client,
        number,
        basket,
        {"shippingDetailId": first, "shippingNumber": "A9", "shippingDate": ""},
        {"shippingDetailId": second, "shippingDeleteFlag": 1},
    )
    assert [m["messageCode"][-3:] for m in response.json()["MessageModelList"]] == ["102", "103"]
    (row,) = rows_of(sandbox_client, number)
    assert (row["shippingDetailId"], row["shippingNumber"], row["deliveryCompany"], row["shippingDate"]) == (
        first,
        "A9",
        "1001",
        None,
    )


def test_it_rejects_bad_rows_with_their_data_number_and_applies_nothing(sandbox_client):
    number, basket = ready_order(sandbox_client)
    good = {"deliveryCompany": "1001", "shippingNumber": "1", "shippingDate": "2026-05-02"}
    bad_date = {"deliveryCompany": "1001", "shippingDate": "2026/05/02"}
    bad_company = {"deliveryCompany": "ヤマト運輸"}
    response = ship(
        sandbox_client,
        number,
        basket,
        good,
        bad_date,
        bad_company,
        {"deliveryCompany": "1001", "shippingNumber": "x" * 121},
    )
    assert response.status_code == 400
    found = [(m["messageCode"], m["dataNumber"], m["message"]) for m in response.json()["MessageModelList"]]
    assert found == [
        ("ORDER_EXT_API_UPDATE_ORDERSHIPPING_ERROR_011", 2, "shippingDateの書式が不正です。"),
        ("ORDER_EXT_API_UPDATE_ORDERSHIPPING_ERROR_011", 3, "deliveryCompanyの書式が不正です。"),
        ("ORDER_EXT_API_UPDATE_ORDERSHIPPING_ERROR_011", 4, "shippingNumberの書式が不正です。"),
    ]
    assert rows_of(sandbox_client, number) == []


def test_it_allows_at_most_20_rows_per_basket(sandbox_client):
    number, basket = ready_order(sandbox_client)
    rows = [{"deliveryCompany": "1001", "shippingNumber": str(i)} for i in range(21)]
    assert ship(sandbox_client, number, basket, *rows).status_code == 400
    assert ship(sandbox_client, number, basket, *rows[:20]).status_code == 200
    assert ship(sandbox_client, number, basket, rows[20]).status_code == 400


def test_it_refuses_unknown_baskets_cancelled_and_shipped_orders(sandbox_client):
    number, basket = ready_order(sandbox_client)
    row = {"deliveryCompany": "1001"}
    assert ship(sandbox_client, number, basket + 999, row).status_code == 400
    for progress, code in ((900, "ERROR_102"), (500, "ERROR_103")):
        other, other_basket = ready_order(sandbox_client, progress)
        response = ship(sandbox_client, other, other_basket, row)
        assert response.status_code == 400
        assert response.json()["MessageModelList"][0]["messageCode"].endswith(code)
    missing = sandbox_client.post(
        SHIP, {"orderNumber": "000001-20260101-0000000000", "BasketidModelList": [{"basketId": 1}]}
    )
    assert missing.status_code == 400


def test_tick_ships_only_orders_whose_every_row_is_complete(sandbox_client):
    complete, basket = ready_order(sandbox_client)
    partial, partial_basket = ready_order(sandbox_client)
    ready_order(sandbox_client)  # no rows at all
    ship(
        sandbox_client,
        complete,
        basket,
        {"deliveryCompany": "1001", "shippingNumber": "1", "shippingDate": "2026-05-02"},
    )
    ship(sandbox_client, partial, partial_basket, {"deliveryCompany": "1001", "shippingNumber": "2"})
    response = sandbox_client.control("POST", "tick", {"now": "2026-05-03T00:30:00+09:00"})
    assert response.json() == {"shipped": [complete]}
    order = sandbox_client.control("GET", f"orders/{complete}").json()
    assert (order["orderProgress"], order["shippingCmplRptDatetime"]) == (500, "2026-05-03T00:30:00+0900")
    assert sandbox_client.control("GET", f"orders/{partial}").json()["orderProgress"] == 300


def test_control_advances_status_step_by_step(sandbox_client):
    number, _ = ready_order(sandbox_client, 100)
    assert sandbox_client.control("POST", f"orders/{number}/advance").json()["orderProgress"] == 200
    assert sandbox_client.control("POST", f"orders/{number}/advance").json()["orderProgress"] == 300
    assert sandbox_client.control("POST", f"orders/{number}/advance").status_code == 400
    assert (
        sandbox_client.control("POST", f"orders/{number}/progress", {"orderProgress": 700}).json()["orderProgress"]
        == 700
    )
    other, _ = ready_order(sandbox_client, 200)
    assert sandbox_client.control("POST", f"orders/{other}/cancel").json()["orderProgress"] == 900


def test_rakuten_moves_confirmed_orders_to_300_after_the_processing_delay(sandbox_client):
    # Stamps are whole seconds, so a 2 s delay and a 2.1 s wait stay deterministic.
    sandbox_client.control("PATCH", "config", {"processing_delay_s": 2})
    number, _ = ready_order(sandbox_client, 100)
    sandbox_client.post("/es/2.0/order/confirmOrder/", {"orderNumberList": [number]})
    get = {"orderNumberList": [number], "version": 7}
    assert sandbox_client.post("/es/2.0/order/getOrder/", get).json()["OrderModelList"][0]["orderProgress"] == 200
    time.sleep(2.1)
    assert sandbox_client.post("/es/2.0/order/getOrder/", get).json()["OrderModelList"][0]["orderProgress"] == 300


def test_the_accepted_statuses_are_a_switch_defaulting_to_100_to_400(sandbox_client):
    row = {"deliveryCompany": "1001"}
    assert sandbox_client.control("GET", "config").json()["shipping_accepted_progress"] == [100, 200, 300, 400]
    for progress in (100, 400):
        assert ship(sandbox_client, *ready_order(sandbox_client, progress), row).status_code == 200
    patched = sandbox_client.control("PATCH", "config", {"shipping_accepted_progress": [500, 300]})
    assert patched.json()["shipping_accepted_progress"] == [300, 500]
    new, new_basket = ready_order(sandbox_client, 100)
    refused = ship(sandbox_client, new, new_basket, row)
    assert refused.status_code == 400
    assert refused.json()["MessageModelList"][0]["messageCode"] == "ORDER_EXT_API_UPDATE_ORDERSHIPPING_ERROR_103"
    assert ship(sandbox_client, *ready_order(sandbox_client, 500), row).status_code == 200
    cancelled = ship(sandbox_client, *ready_order(sandbox_client, 900), row)
    assert cancelled.json()["MessageModelList"][0]["messageCode"].endswith("ERROR_102")
    for bad in ([150], "300", [True]):
        assert sandbox_client.control("PATCH", "config", {"shipping_accepted_progress": bad}).status_code == 400


def test_a_delete_flag_needs_a_known_id_and_is_0_or_1(sandbox_client):
    number, basket = ready_order(sandbox_client)
    ship(sandbox_client, number, basket, {"deliveryCompany": "1001", "shippingNumber": "A1"})
    (stored,) = rows_of(sandbox_client, number)
    for row in (
        {"deliveryCompany": "1001", "shippingDeleteFlag": 1},
        {"shippingDetailId": stored["shippingDetailId"], "shippingDeleteFlag": 2},
        {"shippingDetailId": stored["shippingDetailId"] + 999, "shippingDeleteFlag": 1},
    ):
        response = ship(sandbox_client, number, basket, row)
        assert response.status_code == 400, row
        assert response.json()["MessageModelList"][0]["dataNumber"] == 1
    assert rows_of(sandbox_client, number) == [stored]
