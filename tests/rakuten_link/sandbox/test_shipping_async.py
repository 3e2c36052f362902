"""Sandbox updateOrderShippingAsync / getResultUpdateOrderShippingAsync over raw HTTP (docs/rms.md §2.5).

The async variant must answer every order exactly as updateOrderShipping would, so several tests
run the same change through both and compare.
"""

from __future__ import annotations

from datetime import timedelta

from tests.support.sandbox import RmsTestClient

SUBMIT = "/es/2.0/order/updateOrderShippingAsync/"
RESULT = "/es/2.0/order/getResultUpdateOrderShippingAsync/"
SYNC = "/es/2.0/order/updateOrderShipping/"
ADDED = "ORDER_EXT_API_UPDATE_ORDERSHIPPING_INFO_101"
ROW = {"deliveryCompany": "1001", "shippingNumber": "123456789012", "shippingDate": "2026-05-02"}


def make_orders(client: RmsTestClient, count: int, progress: int = 300) -> list[tuple[str, int]]:
    """(orderNumber, basketId) of `count` new single-basket orders."""
    body = {"shop": "000001", "orders": [{"orderProgress": progress}] * count}
    numbers = client.control("POST", "orders", body).json()
    orders = client.server.state.orders
    return [(n, orders[n]["PackageModelList"][0]["basketId"]) for n in numbers["orderNumbers"]]


def entry(number: str, basket: int, *rows: dict) -> dict:
    return {"orderNumber": number, "BasketidModelList": [{"basketId": basket, "ShippingModelList": list(rows)}]}


def rows_of(client: RmsTestClient, number: str) -> list[dict]:
    return client.control("GET", f"orders/{number}").json()["PackageModelList"][0]["ShippingModelList"]


def submit(client: RmsTestClient, *entries: dict) -> str:
    response = client.post(SUBMIT, {"OrderShippingModelList": list(entries)})
    assert response.status_code == 200, response.text
    (info,) = response.json()["MessageModelList"]
    assert (info["messageType"], info["messageCode"]) == ("INFO", "ORDER_EXT_API_UPDATE_ORDERSHIPPING_ASYNC_INFO_101")
    return info["requestId"]


def results(client: RmsTestClient, request_id: str) -> dict[str, list[dict]]:
    response = client.post(RESULT, {"requestId": request_id})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["MessageModelList"][0]["messageType"] == "INFO"
    return {r["orderNumber"]: r["MessageModelList"] for r in body["ResultShippingModelList"]}


def test_more_than_100_orders_are_refused_and_nothing_is_applied(sandbox_client):
    orders = make_orders(sandbox_client, 150)
    response = sandbox_client.post(SUBMIT, {"OrderShippingModelList": [entry(n, b, ROW) for n, b in orders]})
    assert response.status_code == 400
    (error,) = response.json()["MessageModelList"]
    assert error["messageType"] == "ERROR" and "100件以内" in error["message"]
    assert all(rows_of(sandbox_client, n) == [] for n, _ in orders[:3] + orders[-3:])
    assert sandbox_client.server.state.shipping_async.of_shop("000001") == []


def test_duplicate_order_numbers_are_refused_and_nothing_is_applied(sandbox_client):
    (number, basket), (other, other_basket) = make_orders(sandbox_client, 2)
    response = sandbox_client.post(
        SUBMIT,
        {
            "OrderShippingModelList": [
                entry(other, other_basket, ROW),
                entry(number, basket, ROW),
                entry(number, basket, {"deliveryCompany": "1002"}),
            ]
        },
    )
    assert response.status_code == 400
    (error,) = response.json()["MessageModelList"]
    assert (error["messageType"], error["orderNumber"]) == ("ERROR", number)
    assert error["messageCode"] == "ORDER_EXT_API_UPDATE_ORDERSHIPPING_ASYNC_ERROR_012"
    assert rows_of(sandbox_client, number) == [] and rows_of(sandbox_client, other) == []


def test_100_orders_are_accepted_and_each_result_names_the_new_row(sandbox_client):
    orders = make_orders(sandbox_client, 100)
    request_id = submit(sandbox_client, *(entry(n, b, ROW, {"deliveryCompany": "1003"}) for n, b in orders))
    found = results(sandbox_client, request_id)
    assert list(found) == [n for n, _ in orders]
    for number, _ in orders:
        stored = rows_of(sandbox_client, number)
        assert [(m["messageCode"], m["dataNumber"], m["shippingDetailId"]) for m in found[number]] == [
            (ADDED, 1, stored[0]["shippingDetailId"]),
            (ADDED, 2, stored[1]["shippingDetailId"]),
        ]
        assert (stored[0]["shippingNumber"], stored[0]["deliveryCompanyName"]) == ("123456789012", "ヤマト運輸")
    assert results(sandbox_client, request_id) == found  # a second read gives the same answer


def test_an_update_by_id_changes_the_same_row_and_a_delete_flag_removes_one(sandbox_client):
    ((number, basket),) = make_orders(sandbox_client, 1)
    added = results(sandbox_client, submit(sandbox_client, entry(number, basket, ROW, {"deliveryCompany": "1002"})))
    first, second = (m["shippingDetailId"] for m in added[number])
    change = entry(
        number,
        basket,
        {"shippingDetailId": first, "shippingNumber": "999", "shippingDate": ""},
        {"shippingDetailId": second, "shippingDeleteFlag": 1},
    )
    changed = results(sandbox_client, submit(sandbox_client, change))[number]
    assert [(m["messageCode"][-8:], m["dataNumber"], m["shippingDetailId"]) for m in changed] == [
        ("INFO_102", 1, first),
        ("INFO_103", 2, second),
    ]
    (row,) = rows_of(sandbox_client, number)
    assert (row["shippingDetailId"], row["shippingNumber"], row["deliveryCompany"], row["shippingDate"]) == (
        first,
        "999",
        "1001",
        None,
    )


def test_a_refused_order_gets_the_sync_answer_and_the_others_are_still_applied(sandbox_client):
    (full, full_basket), (twin, twin_basket), (fine, fine_basket) = make_orders(sandbox_client, 3)
    twenty = [{"deliveryCompany": "1001", "shippingNumber": str(i)} for i in range(20)]
    for number, basket in ((full, full_basket), (twin, twin_basket)):
        assert sandbox_client.post(SYNC, entry(number, basket, *twenty)).status_code == 200
    sync_refusal = sandbox_client.post(SYNC, entry(twin, twin_basket, ROW))
    assert sync_refusal.status_code == 400
    unknown = "000001-20260101-0000000000"
    sync_unknown = sandbox_client.post(SYNC, entry(unknown, 1, ROW)).json()["MessageModelList"]

    request_id = submit(
        sandbox_client, entry(full, full_basket, ROW), entry(unknown, 1, ROW), entry(fine, fine_basket, ROW)
    )
    found = results(sandbox_client, request_id)
    assert found[full] == sync_refusal.json()["MessageModelList"]  # the 21st row, word for word
    assert found[full][0]["messageType"] == "ERROR" and "20件以内" in found[full][0]["message"]
    assert found[unknown] == sync_unknown
    assert [m["messageCode"] for m in found[fine]] == [ADDED]
    assert len(rows_of(sandbox_client, full)) == 20 and len(rows_of(sandbox_client, fine)) == 1


def test_bad_rows_carry_their_data_numbers_as_in_the_sync_call(sandbox_client):
    (number, basket), (twin, twin_basket) = make_orders(sandbox_client, 2)
    bad = (
        {"deliveryCompany": "1001"},
        {"deliveryCompany": "ヤマト運輸"},
        {"shippingDetailId": 1, "shippingDeleteFlag": 1},
    )
    sync = sandbox_client.post(SYNC, entry(twin, twin_basket, *bad)).json()["MessageModelList"]
    found = results(sandbox_client, submit(sandbox_client, entry(number, basket, *bad)))[number]
    assert found == sync
    assert [(m["dataNumber"], m["message"]) for m in found] == [
        (2, "deliveryCompanyの書式が不正です。"),
        (3, "shippingDetailIdの書式が不正です。"),
    ]


def no_result(response) -> bool:
    """RMS's answer to a requestId it has no result for: 200, an INFO code, one entry naming no order."""
    body = response.json()
    (entry,) = body["ResultShippingModelList"]
    (info,) = entry["MessageModelList"]
    return (response.status_code == 200 and entry["orderNumber"] is None and info["messageType"] == "INFO"
            and info["messageCode"] == "ORDER_EXT_API_GET_RESULT_UPDATE_ORDERSHIPPING_ASYNC_INFO_102")


def test_an_unknown_foreign_or_expired_request_id_has_no_result(sandbox_client):
    ((number, basket),) = make_orders(sandbox_client, 1)
    request_id = submit(sandbox_client, entry(number, basket, ROW))
    assert no_result(sandbox_client.post(RESULT, {"requestId": "no-such-request"}))
    response = sandbox_client.post(RESULT, {"requestId": 12})
    assert response.status_code == 400 and response.json()["MessageModelList"][0]["messageType"] == "ERROR"
    assert response.json()["ResultShippingModelList"] is None
    assert sandbox_client.post(RESULT, {}).status_code == 400

    other = {"serviceSecret": "SP000002_other", "licenseKey": "SL000002_other", "shop": "000002"}
    sandbox_client.control("POST", "credentials", other).raise_for_status()
    foreign = RmsTestClient(sandbox_client.server, other["serviceSecret"], other["licenseKey"])
    assert no_result(foreign.post(RESULT, {"requestId": request_id}))

    (stored,) = sandbox_client.server.state.shipping_async.of_shop("000001")
    stored.received_at -= timedelta(days=30, seconds=1)
    assert no_result(sandbox_client.post(RESULT, {"requestId": request_id}))


def test_a_batch_with_a_refused_order_is_refused_whole_when_switched_on(sandbox_client):
    """Rakuten's own example: HTTP 200, an ERROR per refused order, no requestId, nothing applied."""
    (fine, fine_basket), (gone, gone_basket) = make_orders(sandbox_client, 2)
    sandbox_client.control("POST", f"orders/{gone}/cancel").raise_for_status()
    sandbox_client.control("PATCH", "config", {"async_refuse_batch": True}).raise_for_status()
    response = sandbox_client.post(SUBMIT, {"OrderShippingModelList": [entry(fine, fine_basket, ROW),
                                                                        entry(gone, gone_basket, ROW)]})
    assert response.status_code == 200
    (error,) = response.json()["MessageModelList"]
    assert (error["messageType"], error["orderNumber"]) == ("ERROR", gone) and "requestId" not in error
    assert error["messageCode"] == "ORDER_EXT_API_UPDATE_ORDERSHIPPING_ERROR_102"
    assert rows_of(sandbox_client, fine) == [] and sandbox_client.server.state.shipping_async.of_shop("000001") == []

    request_id = submit(sandbox_client, entry(fine, fine_basket, ROW))  # a clean batch goes through as before
    assert len(rows_of(sandbox_client, fine)) == 1 and request_id


def test_an_order_of_another_shop_is_unknown_to_the_caller(sandbox_client):
    other = {"serviceSecret": "SP000002_other", "licenseKey": "SL000002_other", "shop": "000002"}
    sandbox_client.control("POST", "credentials", other).raise_for_status()
    ((number, basket),) = make_orders(sandbox_client, 1)  # an order of shop 000001
    foreign = RmsTestClient(sandbox_client.server, other["serviceSecret"], other["licenseKey"])
    response = foreign.post(SUBMIT, {"OrderShippingModelList": [entry(number, basket, ROW)]})
    (result,) = foreign.post(RESULT, {"requestId": response.json()["MessageModelList"][0]["requestId"]}).json()[
        "ResultShippingModelList"
    ]
    assert result["MessageModelList"][0]["messageCode"] == "ORDER_EXT_API_UPDATE_ORDERSHIPPING_ERROR_101"
    assert rows_of(sandbox_client, number) == []


def test_request_level_format_problems_are_400(sandbox_client):
    ((number, basket),) = make_orders(sandbox_client, 1)
    for body in ({}, {"OrderShippingModelList": []}, {"OrderShippingModelList": "x"}, {"OrderShippingModelList": [{}]}):
        response = sandbox_client.post(SUBMIT, body)
        assert response.status_code == 400, body
        assert response.json()["MessageModelList"][0]["messageType"] == "ERROR"
    assert sandbox_client.post(SUBMIT, data=b"{nope").status_code == 400
    assert rows_of(sandbox_client, number) == []


def test_the_request_log_and_the_state_show_the_async_requests(sandbox_client):
    ((number, basket),) = make_orders(sandbox_client, 1)
    request_id = submit(sandbox_client, entry(number, basket, ROW))
    results(sandbox_client, request_id)
    log = sandbox_client.control("GET", "requests?function=rpay.order.updateOrderShippingAsync").json()["requests"]
    assert [e["body"]["OrderShippingModelList"][0]["orderNumber"] for e in log] == [number]
    reads = sandbox_client.control("GET", "requests?function=rpay.order.getResultUpdateOrderShippingAsync").json()
    assert [e["body"] for e in reads["requests"]] == [{"requestId": request_id}]
    (stored,) = sandbox_client.server.state.shipping_async.of_shop("000001")
    assert stored.to_dict()["requestId"] == request_id
    assert stored.to_dict()["ResultShippingModelList"][0]["orderNumber"] == number


def test_the_async_calls_share_the_order_rate_limit(sandbox_client):
    sandbox_client.control("PATCH", "config", {"rate_limits": True, "rate_limit_per_s": {"order": 1}})
    ((number, basket),) = make_orders(sandbox_client, 1)
    assert sandbox_client.post(SUBMIT, {"OrderShippingModelList": [entry(number, basket, ROW)]}).status_code == 200
    assert sandbox_client.post(RESULT, {"requestId": "x"}).status_code == 429
