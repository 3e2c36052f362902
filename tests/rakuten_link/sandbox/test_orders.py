"""Sandbox order API: searchOrder rules and paging, getOrder, confirmOrder and cancelOrder."""

from __future__ import annotations

from datetime import timedelta

import pytest

from rakuten_link.sandbox import clock

SEARCH = "/es/2.0/order/searchOrder/"
GET = "/es/2.0/order/getOrder/"
CONFIRM = "/es/2.0/order/confirmOrder/"
CANCEL = "/es/2.0/order/cancelOrder/"


def window(days_back: float = 30, span_days: float | None = None) -> dict:
    now = clock.now()
    start = now - timedelta(days=days_back)
    end = start + timedelta(days=span_days) if span_days is not None else now
    return {"dateType": 1, "startDatetime": clock.format_order_dt(start), "endDatetime": clock.format_order_dt(end)}


def make_orders(client, **body) -> list[str]:
    response = client.control("POST", "orders", body)
    assert response.status_code == 201, response.text
    return response.json()["orderNumbers"]


def codes(response) -> list[str]:
    return [m["messageCode"] for m in response.json()["MessageModelList"]]


def test_search_requires_date_type_and_window(sandbox_client):
    response = sandbox_client.post(SEARCH, {})
    assert response.status_code == 400
    body = response.json()
    assert body["orderNumberList"] is None and body["PaginationResponseModel"] is None
    assert codes(response) == ["ORDER_EXT_API_SEARCH_ORDER_ERROR_009"] * 3


def test_search_rejects_iso_offsets_with_a_colon(sandbox_client):
    body = {**window(), "startDatetime": "2026-01-01T00:00:00+09:00"}
    response = sandbox_client.post(SEARCH, body)
    assert response.status_code == 400
    assert response.json()["MessageModelList"][0] == {
        "messageType": "ERROR",
        "messageCode": "ORDER_EXT_API_SEARCH_ORDER_ERROR_011",
        "message": "startDatetimeの書式が不正です。",
    }


def test_search_allows_63_days_but_not_64(sandbox_client):
    assert sandbox_client.post(SEARCH, window(100, 63)).status_code == 200
    response = sandbox_client.post(SEARCH, window(100, 64))
    assert response.status_code == 400
    assert codes(response) == ["ORDER_EXT_API_SEARCH_ORDER_ERROR_011"]


def test_search_start_must_be_within_730_days(sandbox_client):
    assert sandbox_client.post(SEARCH, window(729, 1)).status_code == 200
    assert sandbox_client.post(SEARCH, window(731, 1)).status_code == 400


def test_search_with_no_hits_reports_info_102_and_null_pagination(sandbox_client):
    response = sandbox_client.post(SEARCH, window())
    assert response.status_code == 200
    assert response.json()["orderNumberList"] == []
    assert codes(response) == ["ORDER_EXT_API_SEARCH_ORDER_INFO_102"]
    assert response.json()["PaginationResponseModel"] == {
        "totalRecordsAmount": None,
        "totalPages": None,
        "requestPage": None,
    }


def test_search_pages_and_sorts_by_order_datetime(sandbox_client):
    start = clock.format_order_dt(clock.now() - timedelta(days=20))
    numbers = make_orders(sandbox_client, random=7, start=start)
    page = {"requestRecordsAmount": 3, "requestPage": 3, "SortModelList": [{"sortColumn": 1, "sortDirection": 1}]}
    response = sandbox_client.post(SEARCH, {**window(), "PaginationRequestModel": page})
    assert codes(response) == ["ORDER_EXT_API_SEARCH_ORDER_INFO_101"]
    assert response.json()["PaginationResponseModel"] == {"totalRecordsAmount": 7, "totalPages": 3, "requestPage": 3}
    assert len(response.json()["orderNumberList"]) == 1
    pages = []
    for page_no in (1, 2, 3):
        page = {
            "requestRecordsAmount": 3,
            "requestPage": page_no,
            "SortModelList": [{"sortColumn": 1, "sortDirection": 2}],
        }
        pages += sandbox_client.post(SEARCH, {**window(), "PaginationRequestModel": page}).json()["orderNumberList"]
    stored = [sandbox_client.control("GET", f"orders/{n}").json() for n in numbers]
    expected = [
        o["orderNumber"] for o in sorted(stored, key=lambda o: (o["orderDatetime"], o["orderNumber"]), reverse=True)
    ]
    assert pages == expected


@pytest.mark.parametrize("amount", [0, 1001, "30"])
def test_search_page_size_is_1_to_1000(sandbox_client, amount):
    response = sandbox_client.post(SEARCH, {**window(), "PaginationRequestModel": {"requestRecordsAmount": amount}})
    assert response.status_code == 400


def test_search_filters_by_progress_and_sees_only_its_own_shop(sandbox, sandbox_client):
    mine = make_orders(sandbox_client, random=2, orderProgress=300)
    make_orders(sandbox_client, random=1, orderProgress=100)
    sandbox_client.control("POST", "credentials", {"serviceSecret": "SP2", "licenseKey": "SL2", "shop": "222222"})
    make_orders(sandbox_client, shop="222222", random=3, orderProgress=300)
    response = sandbox_client.post(SEARCH, {**window(), "orderProgressList": [300]})
    assert sorted(response.json()["orderNumberList"]) == sorted(mine)


def test_only_the_first_15000_hits_can_be_paged(sandbox, sandbox_client):
    (number,) = make_orders(sandbox_client, random=1)
    template = sandbox.state.orders[number]
    for index in range(15_001):  # shallow copies: the search only reads them (deep copies took 5 s)
        clone = {**template, "orderNumber": f"{number[:16]}{index:010d}"}
        sandbox.state.orders[clone["orderNumber"]] = clone
    page = {"requestRecordsAmount": 1000, "requestPage": 15}
    response = sandbox_client.post(SEARCH, {**window(), "PaginationRequestModel": page})
    assert response.json()["PaginationResponseModel"] == {
        "totalRecordsAmount": 15_002,
        "totalPages": 15,
        "requestPage": 15,
    }
    assert len(response.json()["orderNumberList"]) == 1000
    page["requestPage"] = 16
    assert sandbox_client.post(SEARCH, {**window(), "PaginationRequestModel": page}).status_code == 400


def test_get_order_requires_a_version_of_3_or_more(sandbox_client):
    (number,) = make_orders(sandbox_client, random=1)
    response = sandbox_client.post(GET, {"orderNumberList": [number]})
    assert response.status_code == 400
    assert codes(response) == ["ORDER_EXT_API_GET_ORDER_ERROR_009"]
    assert response.json()["OrderModelList"] is None
    assert sandbox_client.post(GET, {"orderNumberList": [number], "version": 2}).status_code == 400


def test_get_order_takes_at_most_100_numbers(sandbox_client):
    numbers = [f"000001-20260101-{i:010d}" for i in range(101)]
    assert sandbox_client.post(GET, {"orderNumberList": numbers, "version": 7}).status_code == 400
    assert sandbox_client.post(GET, {"orderNumberList": numbers[:100], "version": 7}).status_code == 200


def test_get_order_returns_known_orders_and_skips_unknown_ones(sandbox_client):
    numbers = make_orders(sandbox_client, random=2)
    asked = [numbers[0], "000001-20200101-0000000001", numbers[1]]
    response = sandbox_client.post(GET, {"orderNumberList": asked, "version": 7})
    body = response.json()
    assert response.status_code == 200 and body["version"] == 7
    assert [o["orderNumber"] for o in body["OrderModelList"]] == numbers
    assert body["MessageModelList"][0]["message"] == "受注情報取得に成功しました。(取得件数2件)"


def test_get_order_v7_carries_sku_models_and_v6_does_not(sandbox_client):
    sandbox_client.control(
        "POST",
        "items",
        {
            "items": [
                {
                    "manageNumber": "tee01",
                    "title": "Tシャツ",
                    "variantSelectors": [{"key": "size", "displayName": "サイズ", "values": [{"displayValue": "M"}]}],
                    "variants": {
                        "tee01-m": {
                            "merchantDefinedSkuId": "TEE01M",
                            "selectorValues": {"size": "M"},
                            "standardPrice": "3300",
                        }
                    },
                }
            ]
        },
    )
    order = {"PackageModelList": [{"ItemModelList": [{"manageNumber": "tee01", "variantId": "tee01-m", "units": 2}]}]}
    (number,) = make_orders(sandbox_client, orders=[order])
    v7 = sandbox_client.post(GET, {"orderNumberList": [number], "version": 7}).json()["OrderModelList"][0]
    line = v7["PackageModelList"][0]["ItemModelList"][0]
    assert line["SkuModelList"] == [{"variantId": "tee01-m", "merchantDefinedSkuId": "TEE01M", "skuInfo": "サイズ:M"}]
    assert (line["price"], line["units"], v7["goodsPrice"], v7["postagePrice"]) == (3300, 2, 6600, 0)
    v6 = sandbox_client.post(GET, {"orderNumberList": [number], "version": 6}).json()["OrderModelList"][0]
    assert "SkuModelList" not in v6["PackageModelList"][0]["ItemModelList"][0]
    again = sandbox_client.post(GET, {"orderNumberList": [number], "version": 7}).json()["OrderModelList"][0]
    assert again == v7  # the v6 answer was shaped on a copy, not on the stored order


def test_confirm_moves_100_to_200_once(sandbox_client):
    numbers = make_orders(sandbox_client, random=2)
    response = sandbox_client.post(CONFIRM, {"orderNumberList": numbers})
    assert [(m["messageCode"], m["orderNumber"]) for m in response.json()["MessageModelList"]] == [
        ("ORDER_EXT_API_CONFIRM_ORDER_INFO_101", numbers[0]),
        ("ORDER_EXT_API_CONFIRM_ORDER_INFO_101", numbers[1]),
    ]
    assert sandbox_client.control("GET", f"orders/{numbers[0]}").json()["orderProgress"] == 200
    again = sandbox_client.post(CONFIRM, {"orderNumberList": numbers[:1]})
    assert codes(again) == ["ORDER_EXT_API_CONFIRM_ORDER_ERROR_103"]


def test_confirm_reports_cancelled_orders_and_limits_the_batch(sandbox_client):
    (number,) = make_orders(sandbox_client, random=1, orderProgress=900)
    assert codes(sandbox_client.post(CONFIRM, {"orderNumberList": [number]})) == [
        "ORDER_EXT_API_CONFIRM_ORDER_ERROR_102"
    ]
    numbers = [f"000001-20260101-{i:010d}" for i in range(101)]
    assert sandbox_client.post(CONFIRM, {"orderNumberList": numbers}).status_code == 400


def test_cancel_moves_300_to_900_with_a_reason(sandbox_client):
    (number,) = make_orders(sandbox_client, random=1, orderProgress=300)
    body = {"orderNumber": number, "inventoryRestoreType": 1, "changeReasonDetailApply": 8}
    response = sandbox_client.post(CANCEL, body)
    assert response.status_code == 200, response.text
    order = sandbox_client.control("GET", f"orders/{number}").json()
    assert order["orderProgress"] == 900
    assert order["ChangeReasonModelList"][-1]["changeReasonDetail"] == 8


def test_cancel_refuses_shipped_orders_and_missing_fields(sandbox_client):
    (number,) = make_orders(sandbox_client, random=1, orderProgress=500)
    response = sandbox_client.post(CANCEL, {"orderNumber": number, "changeReasonDetailApply": 8})
    assert response.status_code == 400
    assert codes(sandbox_client.post(CANCEL, {"orderNumber": number})) == ["ORDER_EXT_API_CANCEL_ORDER_ERROR_009"]
