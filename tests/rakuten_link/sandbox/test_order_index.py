"""searchOrder through the sandbox's index (orders/index.py) answers exactly what a scan of every order does."""

from __future__ import annotations

from datetime import timedelta

import pytest

from rakuten_link.sandbox import clock
from rakuten_link.sandbox.orders import index
from rakuten_link.sandbox.orders.search import parse_query, run

SEARCH = "/es/2.0/order/searchOrder/"
CONFIRM = "/es/2.0/order/confirmOrder/"
SHIP = "/es/2.0/order/updateOrderShipping/"


def dt(days_back: float) -> str:
    return clock.format_order_dt(clock.now() - timedelta(days=days_back))


def make_orders(client, **body) -> list[str]:
    response = client.control("POST", "orders", body)
    assert response.status_code == 201, response.text
    return response.json()["orderNumbers"]


def every_page(client, body: dict, size: int, sort: list | None = None) -> tuple[list[str], int | None]:
    """All numbers of a search, page after page, and the total the first page reported."""
    numbers: list[str] = []
    page, total = 1, None
    while True:
        paging = {"requestRecordsAmount": size, "requestPage": page, "SortModelList": sort}
        answer = client.post(SEARCH, {**body, "PaginationRequestModel": paging}).json()
        numbers += answer["orderNumberList"]
        total = total if total is not None else answer["PaginationResponseModel"]["totalRecordsAmount"]
        if page >= (answer["PaginationResponseModel"]["totalPages"] or 0):
            return numbers, total
        page += 1


def scanned(sandbox, body: dict, sort: list | None = None) -> list[str]:
    """The same search by looking at every stored order of the shop (what searchOrder did before the index)."""
    query, errors = parse_query({**body, "PaginationRequestModel": {"SortModelList": sort}}, clock.now())
    assert not errors
    return run(sandbox.state.orders_of("000001"), query)


@pytest.fixture
def shop(sandbox, sandbox_client):
    """A few hundred orders over 20 days in every status, some confirmed and shipped through the API."""
    for progress in (100, 200, 300, 500, 900):
        make_orders(sandbox_client, random=60, orderProgress=progress, start=dt(20), end=dt(0.01))
    sandbox_client.control("POST", "credentials", {"serviceSecret": "SP2", "licenseKey": "SL2", "shop": "222222"})
    make_orders(sandbox_client, shop="222222", random=40, start=dt(20), end=dt(0.01))
    fresh = [o["orderNumber"] for o in sandbox.state.orders_of("000001") if o["orderProgress"] == 100]
    assert sandbox_client.post(CONFIRM, {"orderNumberList": fresh[:10]}).status_code == 200
    return sandbox


QUERIES = [
    {"dateType": 1, "startDatetime": dt(20.5), "endDatetime": dt(0)},
    {"dateType": 1, "startDatetime": dt(9), "endDatetime": dt(4), "orderProgressList": [100, 300]},
    {"dateType": 1, "startDatetime": dt(15), "endDatetime": dt(2), "orderTypeList": [1, 4]},
    {"dateType": 2, "startDatetime": dt(20.5), "endDatetime": dt(0)},
    {"dateType": 3, "startDatetime": dt(12), "endDatetime": dt(1), "orderProgressList": [300, 500]},
    {"dateType": 4, "startDatetime": dt(20.5), "endDatetime": dt(0)},
    {"dateType": 5, "startDatetime": dt(18), "endDatetime": dt(3)},
    {"dateType": 6, "startDatetime": dt(20.5), "endDatetime": dt(0), "shippingDateBlankFlag": 1},
    {"dateType": 1, "startDatetime": dt(3), "endDatetime": dt(3)},  # an empty window
]


NEWEST_FIRST = [{"sortColumn": 1, "sortDirection": 2}]


@pytest.mark.parametrize("body", QUERIES)
@pytest.mark.parametrize(("size", "sort"), [(7, None), (1000, None), (11, NEWEST_FIRST)])
def test_every_page_of_a_window_is_what_a_scan_finds(shop, sandbox_client, body, size, sort):
    expected = scanned(shop, body, sort)
    numbers, total = every_page(sandbox_client, body, size, sort)
    assert numbers == expected
    assert total == (len(expected) or None)


def test_a_search_looks_only_at_the_orders_in_its_window(shop, sandbox_client, monkeypatch):
    looked_at = []
    real = index.matches

    def counted(order, query):
        looked_at.append(order["orderNumber"])
        return real(order, query)

    monkeypatch.setattr(index, "matches", counted)
    every_status = [100, 200, 300, 500, 900]  # a filter: each order in the window is read and checked
    body = {"dateType": 1, "startDatetime": dt(6), "endDatetime": dt(5), "orderProgressList": every_status}
    numbers, _ = every_page(sandbox_client, body, 3)
    assert numbers and len(looked_at) == len(numbers) < len(shop.state.orders) / 10  # one look, not one per page


def test_an_order_changed_after_indexing_is_found_under_its_new_date_and_status(shop, sandbox_client):
    today = {"startDatetime": dt(0.5), "endDatetime": dt(-0.01)}
    every_page(sandbox_client, {"dateType": 2, **today}, 1000)  # the index is built now
    old = next(o for o in shop.state.orders_of("000001") if o["orderProgress"] == 100)
    number = old["orderNumber"]
    assert sandbox_client.post(CONFIRM, {"orderNumberList": [number]}).status_code == 200
    confirmed, _ = every_page(sandbox_client, {"dateType": 2, **today, "orderProgressList": [200]}, 1000)
    assert number in confirmed and confirmed == scanned(shop, {"dateType": 2, **today, "orderProgressList": [200]})
    assert number not in every_page(sandbox_client, {"dateType": 1, **today, "orderProgressList": [100]}, 1000)[0]

    basket = old["PackageModelList"][0]["basketId"]
    row = {"deliveryCompany": "1001", "shippingNumber": "1234", "shippingDate": clock.now().strftime("%Y-%m-%d")}
    ship = {"orderNumber": number, "BasketidModelList": [{"basketId": basket, "ShippingModelList": [row]}]}
    assert sandbox_client.post(SHIP, ship).status_code == 200
    by_day = {"dateType": 4, "startDatetime": dt(1.01), "endDatetime": dt(-0.01)}  # shippingDate is a day
    shipped, _ = every_page(sandbox_client, by_day, 1000)
    assert number in shipped and shipped == scanned(shop, by_day)

    moved = sandbox_client.control("PATCH", f"orders/{number}", {"orderDatetime": dt(0.005)})
    assert moved.status_code == 200
    latest, _ = every_page(sandbox_client, {"dateType": 1, **today}, 1000)
    assert latest[-1] == number and latest == scanned(shop, {"dateType": 1, **today})


def test_an_order_stored_by_hand_is_found(shop, sandbox_client):
    body = {"dateType": 1, "startDatetime": dt(20.5), "endDatetime": dt(0)}
    before, _ = every_page(sandbox_client, body, 1000)
    clone = {**shop.state.orders[before[0]], "orderNumber": f"{before[0][:16]}9999999999", "orderDatetime": dt(0.001)}
    shop.state.orders[clone["orderNumber"]] = clone
    assert every_page(sandbox_client, body, 1000)[0] == [*before, clone["orderNumber"]]
