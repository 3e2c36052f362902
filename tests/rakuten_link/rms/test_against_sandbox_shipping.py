"""The real client's shipping methods against the RMS sandbox over HTTP (docs/rms.md §2.5).

updateOrderShippingAsync / getResultUpdateOrderShippingAsync, reading rows back with getOrder, and which
calls the client repeats after an ambiguous failure. Assertions look at what the client returns and at the
rows the sandbox stored.
"""

from __future__ import annotations

from datetime import date

import pytest

from rakuten_link.rms import (
    ApiCallInfo,
    AsyncShippingResult,
    RmsBatchRefusedError,
    RmsClient,
    RmsRequestError,
    RmsTransientError,
    ShippingUpdateResult,
)
from rakuten_link.rms.parse_orders import parse_async_request_id
from rakuten_link.sandbox.state.catalogue import DEMO_LICENSE_KEY, DEMO_SERVICE_SECRET
from tests.support.rms_stub import control

SUBMIT = "rpay.order.updateOrderShippingAsync"
RESULT = "rpay.order.getResultUpdateOrderShippingAsync"
SHIP_DAY = date(2026, 5, 2)


class Families:
    """A rate limiter that only records which family each call was paced under."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def acquire(self, family: str) -> None:
        self.seen.append(family)


@pytest.fixture
def shop(sandbox):
    control(sandbox, "POST", "reset", {"seed": "demo"})
    return sandbox


@pytest.fixture
def calls() -> list[ApiCallInfo]:
    return []


@pytest.fixture
def families() -> Families:
    return Families()


@pytest.fixture
def client(shop, calls, families) -> RmsClient:
    return RmsClient(
        DEMO_SERVICE_SECRET,
        DEMO_LICENSE_KEY,
        base_url=shop.url,
        backoff_base=0.01,
        backoff_max=0.05,
        on_call=calls.append,
        rate_limiter=families,
    )


def new_orders(shop, count: int) -> list[tuple[str, int]]:
    """(orderNumber, basketId) of `count` new single-basket orders waiting for shipment (300)."""
    numbers = control(shop, "POST", "orders", {"orders": [{"orderProgress": 300}] * count})["orderNumbers"]
    return [(n, control(shop, "GET", f"orders/{n}")["PackageModelList"][0]["basketId"]) for n in numbers]


def stored_rows(shop, number: str) -> list[dict]:
    return control(shop, "GET", f"orders/{number}")["PackageModelList"][0]["ShippingModelList"]


def tracking(number: str, detail_id: int | None = None) -> dict:
    return {
        "delivery_company": "1001",
        "shipping_number": number,
        "shipping_date": SHIP_DAY,
        "shipping_detail_id": detail_id,
    }


def test_async_rows_are_stored_and_the_results_name_them(client, shop, families):
    orders = new_orders(shop, 3)
    batch = [
        (n, [{"basket_id": b, "shippings": [tracking(f"T{i}"), tracking(f"U{i}")]}]) for i, (n, b) in enumerate(orders)
    ]
    request_id = client.update_order_shipping_async(batch)
    found = client.get_shipping_async_result(request_id)
    assert [r.order_number for r in found] == [n for n, _ in orders]
    assert all(isinstance(r, AsyncShippingResult) and r.ok for r in found)
    for i, ((number, _), result) in enumerate(zip(orders, found, strict=True)):
        rows = stored_rows(shop, number)
        assert [(r.data_number, r.shipping_detail_id) for r in result.results] == [
            (1, rows[0]["shippingDetailId"]),
            (2, rows[1]["shippingDetailId"]),
        ]
        assert [(r["shippingNumber"], r["deliveryCompany"], r["shippingDate"]) for r in rows] == [
            (f"T{i}", "1001", "2026-05-02"),
            (f"U{i}", "1001", "2026-05-02"),
        ]
        assert {r.code for r in result.results} == {"ORDER_EXT_API_UPDATE_ORDERSHIPPING_INFO_101"}
    assert families.seen == ["order", "order"]


def test_get_orders_reads_back_every_row_after_an_async_batch(client, shop):
    ((number, basket),) = new_orders(shop, 1)
    client.get_shipping_async_result(
        client.update_order_shipping_async([(number, [{"basket_id": basket, "shippings": [tracking("123456789012")]}])])
    )
    (order,) = client.get_orders([number])
    (row,) = order.packages[0].shippings
    (stored,) = stored_rows(shop, number)
    assert (row.shipping_detail_id, row.shipping_number, row.delivery_company, row.shipping_date) == (
        stored["shippingDetailId"],
        "123456789012",
        "1001",
        SHIP_DAY,
    )
    assert row.delivery_company_name == "ヤマト運輸"


def test_async_updates_and_deletes_by_id_and_reports_a_refused_order(client, shop):
    (number, basket), (full, full_basket) = new_orders(shop, 2)
    first, second = (
        r.shipping_detail_id
        for r in client.update_order_shipping(
            number, [{"basket_id": basket, "shippings": [tracking("A1"), tracking("B2")]}]
        )
    )
    client.update_order_shipping(full, [{"basket_id": full_basket, "shippings": [tracking(str(i)) for i in range(20)]}])
    change = [
        {"shipping_detail_id": first, "shipping_number": "A9"},
        {"shipping_detail_id": second, "shipping_delete_flag": 1},
    ]
    batch = [
        (number, [{"basket_id": basket, "shippings": change}]),
        (full, [{"basket_id": full_basket, "shippings": [tracking("21st")]}]),
    ]
    done, refused = client.get_shipping_async_result(client.update_order_shipping_async(batch))
    assert done.ok and [(r.data_number, r.shipping_detail_id) for r in done.results] == [(1, first), (2, second)]
    assert not refused.ok
    assert [(r.message_type, r.code) for r in refused.results] == [
        ("ERROR", "ORDER_EXT_API_UPDATE_ORDERSHIPPING_ERROR_011")
    ]
    (row,) = stored_rows(shop, number)
    assert (row["shippingDetailId"], row["shippingNumber"]) == (first, "A9")
    assert len(stored_rows(shop, full)) == 20


def test_more_than_100_orders_or_a_repeated_number_are_refused_before_sending(client, shop):
    baskets = [{"basket_id": 1, "shippings": [tracking("1")]}]
    with pytest.raises(ValueError, match="100"):
        client.update_order_shipping_async([(f"000001-20260501-{i:010d}", baskets) for i in range(101)])
    with pytest.raises(ValueError):
        client.update_order_shipping_async([("000001-20260501-0000000001", baskets)] * 2)
    with pytest.raises(ValueError):
        client.update_order_shipping_async(
            [("000001-20260501-0000000001", [{"basket_id": 1, "shippings": [tracking("1")] * 21}])]
        )
    with pytest.raises(ValueError):
        client.update_order_shipping_async([])
    assert control(shop, "GET", f"requests?function={SUBMIT}")["requests"] == []


def test_100_orders_go_in_one_call(client, shop):
    orders = new_orders(shop, 100)
    request_id = client.update_order_shipping_async(
        [(n, [{"basket_id": b, "shippings": [tracking("1")]}]) for n, b in orders]
    )
    assert len(control(shop, "GET", f"requests?function={SUBMIT}")["requests"]) == 1
    assert len(client.get_shipping_async_result(request_id)) == 100


def test_the_async_submit_is_never_repeated_after_a_dropped_connection(client, shop, calls):
    ((number, basket),) = new_orders(shop, 1)
    control(shop, "POST", "faults", {"function": SUBMIT, "count": 1, "drop": True})
    change = [(number, [{"basket_id": basket, "shippings": [{"shipping_detail_id": 1, "shipping_number": "9"}]}])]
    with pytest.raises(RmsTransientError):
        client.update_order_shipping_async(change)  # even an update-only batch: its requestId would be lost
    assert [c.attempt for c in calls] == [1]
    assert len(control(shop, "GET", f"requests?function={SUBMIT}")["requests"]) == 1


def test_the_result_read_is_repeated_after_a_dropped_connection(client, shop, calls):
    ((number, basket),) = new_orders(shop, 1)
    request_id = client.update_order_shipping_async([(number, [{"basket_id": basket, "shippings": [tracking("1")]}])])
    control(shop, "POST", "faults", {"function": RESULT, "count": 1, "drop": True})
    (result,) = client.get_shipping_async_result(request_id)
    assert result.ok and result.order_number == number
    assert [c.attempt for c in calls if c.function == RESULT] == [1, 2]


def test_an_unknown_request_id_is_no_result_yet(client, shop):
    """RMS answers 200 with an INFO code and an entry naming no order: nothing to apply, not an order ""."""
    assert client.get_shipping_async_result("no-such-request") == []
    (number, basket), = new_orders(shop, 1)
    request_id = client.update_order_shipping_async([(number, [{"basket_id": basket, "shippings": [tracking("1")]}])])
    assert [r.order_number for r in client.get_shipping_async_result(request_id)] == [number]


def test_a_batch_refused_with_http_200_names_each_refused_order(client, shop):
    (fine, fine_basket), (gone, gone_basket) = new_orders(shop, 2)
    control(shop, "POST", f"orders/{gone}/cancel")
    control(shop, "PATCH", "config", {"async_refuse_batch": True})
    pairs = ((fine, fine_basket), (gone, gone_basket))
    batch = [(n, [{"basket_id": b, "shippings": [tracking("1")]}]) for n, b in pairs]
    with pytest.raises(RmsBatchRefusedError) as caught:
        client.update_order_shipping_async(batch)
    assert isinstance(caught.value, RmsRequestError) and caught.value.http_status == 200
    assert list(caught.value.refused) == [gone]
    (entry,) = caught.value.refused[gone]
    assert not entry.ok and entry.code == "ORDER_EXT_API_UPDATE_ORDERSHIPPING_ERROR_102"
    assert stored_rows(shop, fine) == [] and stored_rows(shop, gone) == []


def test_a_sync_delete_is_not_repeated_but_a_pure_update_is(client, shop, calls):
    ((number, basket),) = new_orders(shop, 1)
    (added,) = client.update_order_shipping(number, [{"basket_id": basket, "shippings": [tracking("1")]}])
    detail_id = added.shipping_detail_id
    function = "rpay.order.updateOrderShipping"
    control(shop, "POST", "faults", {"function": function, "count": 1, "drop": True})
    update = [{"basket_id": basket, "shippings": [{"shipping_detail_id": detail_id, "shipping_number": "2"}]}]
    (updated,) = client.update_order_shipping(number, update)
    assert (updated.shipping_detail_id, updated.ok) == (detail_id, True)
    control(shop, "POST", "faults", {"function": function, "count": 1, "drop": True})
    delete = [{"basket_id": basket, "shippings": [{"shipping_detail_id": detail_id, "shipping_delete_flag": 1}]}]
    before = len(calls)
    with pytest.raises(RmsTransientError):
        client.update_order_shipping(number, delete)
    assert len(calls) == before + 1
    assert [r["shippingNumber"] for r in stored_rows(shop, number)] == ["2"]


def test_the_request_id_is_read_from_the_info_entry_or_the_top_level():
    entry = {"messageType": "INFO", "messageCode": "X_INFO_101", "requestId": "abc"}
    assert parse_async_request_id({"MessageModelList": [entry]}) == "abc"
    assert parse_async_request_id({"MessageModelList": [], "requestId": 42}) == "42"
    assert parse_async_request_id({"MessageModelList": None}) == ""
    assert ShippingUpdateResult(1, 2, "c", "m", "ERROR").ok is False
    assert AsyncShippingResult("n", []).ok is False
