"""Order API methods against a scripted local server: what is sent, how long searches are split, batching."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from rakuten_link.rms import JST, ApiCallInfo, RmsClient, RmsRequestError, RmsTransientError, api_orders
from rakuten_link.rms.dates import parse_datetime
from tests.support.rms_stub import LICENSE, SECRET, Recorded, Reply, StubRms, closed_port

SEARCH_PATH = "/es/2.0/order/searchOrder/"


def order_number(n: int, when: datetime) -> str:
    return f"111111-{when:%Y%m%d}-{n:010d}"


class FakeSearch:
    """searchOrder over an in-memory list, with RMS's 63-day and 15 000-hit rules (§2.2)."""

    def __init__(self, orders: list[tuple[datetime, str]]) -> None:
        self.orders = sorted(orders)
        self.windows: list[tuple[datetime, datetime, int, int]] = []  # start, end, page, total

    def __call__(self, request: Recorded) -> Reply:
        body = request.body
        start, end = parse_datetime(body["startDatetime"]), parse_datetime(body["endDatetime"])
        if end - start > timedelta(days=63) or end < start:
            return Reply(400, {"MessageModelList": [{"messageType": "ERROR", "messageCode": "ERROR_011"}]})
        paging = body["PaginationRequestModel"]
        per_page, page = paging["requestRecordsAmount"], paging["requestPage"]
        hits = [n for at, n in self.orders if start <= at <= end]
        if paging["SortModelList"][0]["sortDirection"] == 2:
            hits.reverse()
        self.windows.append((start, end, page, len(hits)))
        readable = hits[:15000]
        chunk = readable[(page - 1) * per_page : page * per_page]
        pages = -(-len(hits) // per_page)
        return Reply(
            200,
            {
                "orderNumberList": chunk,
                "MessageModelList": [{"messageType": "INFO", "messageCode": "INFO_101" if hits else "INFO_102"}],
                "PaginationResponseModel": {"totalRecordsAmount": len(hits), "totalPages": pages, "requestPage": page},
            },
        )


def client_for(stub: StubRms, calls: list | None = None) -> RmsClient:
    on_call = calls.append if calls is not None else None
    return RmsClient(SECRET, LICENSE, base_url=stub.url, backoff_base=0.001, on_call=on_call)


def test_search_orders_sends_jst_datetimes_paging_sorting_and_filters():
    with StubRms(FakeSearch([])) as stub:
        client_for(stub).search_orders(
            date_type=1,
            start=datetime(2024, 4, 30, 15, 0, tzinfo=JST).astimezone(JST),
            end=datetime(2024, 5, 1, 6, 0),
            order_progress_list=[100, 300],
            page=2,
            per_page=500,
            sort_desc=True,
            sub_status_id_list=[-1],
            settlementMethod=1,
            delivery_name=None,
        )
    body = stub.requests[0].body
    assert body == {
        "dateType": 1,
        "startDatetime": "2024-04-30T15:00:00+0900",
        "endDatetime": "2024-05-01T06:00:00+0900",
        "orderProgressList": [100, 300],
        "subStatusIdList": [-1],
        "settlementMethod": 1,
        "PaginationRequestModel": {
            "requestRecordsAmount": 500,
            "requestPage": 2,
            "SortModelList": [{"sortColumn": 1, "sortDirection": 2}],
        },
    }
    assert stub.requests[0].path == SEARCH_PATH


def test_it_splits_a_long_range_into_windows_of_at_most_63_days():
    start = datetime(2024, 1, 1, tzinfo=JST)
    orders = [(start + timedelta(hours=7 * i), order_number(i, start + timedelta(hours=7 * i))) for i in range(680)]
    fake = FakeSearch(orders)
    with StubRms(fake) as stub:
        numbers = list(client_for(stub).iter_order_numbers(date_type=1, start=start, end=start + timedelta(days=200)))
    assert numbers == [n for _, n in sorted(orders)]
    windows = [(s, e) for s, e, _, _ in fake.windows]
    assert len(windows) == 4
    assert all(e - s <= timedelta(days=63) for s, e in windows)
    assert windows[0][0] == start and windows[-1][1] == start + timedelta(days=200)
    assert all(b[0] - a[1] == timedelta(seconds=1) for a, b in zip(windows, windows[1:], strict=False))


def test_it_walks_every_page_of_a_window():
    start = datetime(2024, 3, 1, tzinfo=JST)
    orders = [(start + timedelta(minutes=i), order_number(i, start)) for i in range(2500)]
    fake = FakeSearch(orders)
    with StubRms(fake) as stub:
        numbers = list(client_for(stub).iter_order_numbers(date_type=1, start=start, end=start + timedelta(days=3)))
    assert numbers == [n for _, n in orders]
    assert [page for _, _, page, _ in fake.windows] == [1, 2, 3]


def test_it_bisects_a_window_with_more_than_15000_hits():
    start = datetime(2024, 6, 1, tzinfo=JST)
    busy = start + timedelta(days=10)
    orders = [(busy + timedelta(seconds=3 * i), order_number(i, busy)) for i in range(16_500)]
    orders += [(start + timedelta(days=d), order_number(100_000 + d, start)) for d in range(0, 40, 3)]
    fake = FakeSearch(orders)
    with StubRms(fake) as stub:
        numbers = list(client_for(stub).iter_order_numbers(date_type=1, start=start, end=start + timedelta(days=40)))
    assert numbers == [n for _, n in sorted(orders)]
    assert len(set(numbers)) == len(numbers) == 16_500 + 14
    oversized = [w for w in fake.windows if w[3] > 15_000]
    assert oversized and all(page == 1 for _, _, page, _ in oversized)  # never paged, only bisected
    assert all(w[2] <= max(1, -(-w[3] // 1000)) for w in fake.windows)


def test_it_stops_at_the_readable_hits_when_one_second_is_too_busy(monkeypatch, caplog):
    monkeypatch.setattr(api_orders, "SEARCH_HIT_CAP", 4)
    moment = datetime(2024, 7, 1, 12, 0, tzinfo=JST)
    fake = FakeSearch([(moment, order_number(i, moment)) for i in range(9)])
    with StubRms(fake) as stub:
        numbers = list(client_for(stub).iter_order_numbers(date_type=1, start=moment, end=moment, per_page=2))
    assert numbers == [order_number(i, moment) for i in range(4)]
    assert "within one second" in caplog.text


def test_it_never_yields_a_number_twice_even_if_rms_repeats_one():
    start = datetime(2024, 1, 1, tzinfo=JST)
    replies = iter(
        [
            {"orderNumberList": ["A", "B"], "PaginationResponseModel": {"totalRecordsAmount": 4, "totalPages": 2}},
            {"orderNumberList": ["B", "C"], "PaginationResponseModel": {"totalRecordsAmount": 4, "totalPages": 2}},
            {"orderNumberList": ["C", "D"], "PaginationResponseModel": {"totalRecordsAmount": 2, "totalPages": 1}},
        ]
    )
    with StubRms(lambda request: Reply(200, next(replies))) as stub:
        end = start + timedelta(days=100)
        numbers = list(client_for(stub).iter_order_numbers(date_type=1, start=start, end=end, per_page=2))
    assert numbers == ["A", "B", "C", "D"]


def test_get_orders_sends_batches_of_100_with_version_7():
    def handler(request: Recorded) -> Reply:
        models = [{"orderNumber": n, "orderProgress": 100} for n in request.body["orderNumberList"]]
        return Reply(200, {"MessageModelList": [], "OrderModelList": models, "version": 7})

    numbers = [f"111111-20240501-{i:010d}" for i in range(250)]
    with StubRms(handler) as stub:
        orders = client_for(stub).get_orders(numbers + numbers[:3])
    assert [len(r.body["orderNumberList"]) for r in stub.requests] == [100, 100, 50]
    assert {r.body["version"] for r in stub.requests} == {7}
    assert {r.path for r in stub.requests} == {"/es/2.0/order/getOrder/"}
    assert [o.order_number for o in orders] == numbers


def test_confirm_orders_batches_and_reports_per_order_refusals_from_a_400():
    def handler(request: Recorded) -> Reply:
        batch = request.body["orderNumberList"]
        entries = [
            {
                "messageType": "ERROR",
                "messageCode": "ORDER_EXT_API_CONFIRM_ORDER_ERROR_103",
                "message": "moved",
                "orderNumber": n,
            }
            for n in batch
        ]
        return Reply(400, {"MessageModelList": entries})

    numbers = [f"111111-20240501-{i:010d}" for i in range(150)]
    with StubRms(handler) as stub:
        results = client_for(stub).confirm_orders(numbers)
    assert [len(r.body["orderNumberList"]) for r in stub.requests] == [100, 50]
    assert [r.order_number for r in results] == numbers
    assert not any(r.ok for r in results) and results[0].code.endswith("ERROR_103")


def test_confirm_orders_raises_a_400_without_per_order_entries():
    with StubRms() as stub:
        stub.reply(400, {"MessageModelList": [{"messageType": "ERROR", "messageCode": "X_ERROR_009"}]})
        with pytest.raises(RmsRequestError):
            client_for(stub).confirm_orders(["111111-20240501-0000000001"])


def test_update_order_shipping_sends_only_the_given_fields():
    with StubRms() as stub:
        stub.reply(
            200,
            {
                "MessageModelList": [
                    {"messageType": "INFO", "messageCode": "INFO_101", "dataNumber": 1, "shippingDetailId": 77},
                    {"messageType": "INFO", "messageCode": "INFO_102", "dataNumber": 2, "shippingDetailId": 5},
                ]
            },
        )
        baskets = [
            {
                "basket_id": "900001",
                "shippings": [
                    {"delivery_company": "1001", "shipping_number": "123456789012", "shipping_date": date(2024, 5, 2)},
                    {"shipping_detail_id": 5, "shipping_number": "", "delivery_company": None},
                ],
            }
        ]
        results = client_for(stub).update_order_shipping("111111-20240501-0000000101", baskets)
    assert stub.requests[0].path == "/es/2.0/order/updateOrderShipping/"
    assert stub.requests[0].body == {
        "orderNumber": "111111-20240501-0000000101",
        "BasketidModelList": [
            {
                "basketId": 900001,
                "ShippingModelList": [
                    {"deliveryCompany": "1001", "shippingNumber": "123456789012", "shippingDate": "2024-05-02"},
                    {"shippingDetailId": 5, "shippingNumber": ""},
                ],
            }
        ],
    }
    assert [(r.data_number, r.shipping_detail_id, r.code) for r in results] == [(1, 77, "INFO_101"), (2, 5, "INFO_102")]


def test_update_order_shipping_refuses_more_than_20_rows_per_basket():
    rows = [{"delivery_company": "1001", "shipping_number": str(i)} for i in range(21)]
    client = RmsClient(SECRET, LICENSE, base_url=f"http://127.0.0.1:{closed_port()}")
    with pytest.raises(ValueError):
        client.update_order_shipping("111111-20240501-0000000101", [{"basket_id": 1, "shippings": rows}])


def test_a_tracking_row_is_sent_again_when_the_first_connect_was_refused():
    calls: list[ApiCallInfo] = []
    client = RmsClient(
        SECRET,
        LICENSE,
        base_url=f"http://127.0.0.1:{closed_port()}",
        max_retries=2,
        backoff_base=0.001,
        on_call=calls.append,
    )
    with pytest.raises(RmsTransientError):
        client.update_order_shipping("1", [{"basket_id": 1, "shippings": [{"shipping_number": "1"}]}])
    assert [c.attempt for c in calls] == [1, 2, 3]


def test_cancel_order_sends_the_reason_and_restore_type():
    with StubRms() as stub:
        stub.reply(200, {"MessageModelList": [{"messageType": "INFO", "messageCode": "CANCEL_ORDER_INFO_101"}]})
        client_for(stub).cancel_order("111111-20240501-0000000101", inventory_restore_type=1, reason_code=8)
    request = stub.requests[0]
    assert request.path == "/es/2.0/order/cancelOrder/"
    assert request.body == {
        "orderNumber": "111111-20240501-0000000101",
        "inventoryRestoreType": 1,
        "changeReasonDetailApply": 8,
    }


def test_order_calls_report_their_rms_function_id():
    calls: list[ApiCallInfo] = []
    with StubRms(FakeSearch([])) as stub:
        client_for(stub, calls).search_orders(date_type=1, start=datetime(2024, 5, 1), end=datetime(2024, 5, 2))
    assert [(c.function, c.method, c.path) for c in calls] == [("rpay.order.searchOrder", "POST", SEARCH_PATH)]
