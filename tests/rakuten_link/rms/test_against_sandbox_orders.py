"""The real client against the real RMS sandbox over HTTP: order and license functions, auth, faults, limits.

Set-up goes through the sandbox's ``/_sandbox/`` remote control; assertions look at what the client returns
and at the sandbox's state afterwards.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from rakuten_link.rms import (
    DEFAULT_RATES,
    JST,
    ApiCallInfo,
    LocalRateLimiter,
    RmsAuthError,
    RmsClient,
    RmsRequestError,
    RmsTransientError,
    api_orders,
)
from rakuten_link.sandbox.api import orders as sandbox_api_orders
from rakuten_link.sandbox.orders import search as sandbox_search
from rakuten_link.sandbox.state.catalogue import DEMO_LICENSE_KEY, DEMO_SERVICE_SECRET
from tests.support.rms_stub import control

pytestmark = pytest.mark.usefixtures("shop")


@pytest.fixture
def shop(sandbox):
    """The demo shop: credentials, catalogue with stock, eight orders."""
    control(sandbox, "POST", "reset", {"seed": "demo"})
    return sandbox


@pytest.fixture
def calls() -> list[ApiCallInfo]:
    return []


@pytest.fixture
def client(shop, calls) -> RmsClient:
    return RmsClient(
        DEMO_SERVICE_SECRET,
        DEMO_LICENSE_KEY,
        base_url=shop.url,
        backoff_base=0.01,
        backoff_max=0.05,
        on_call=calls.append,
    )


def now() -> datetime:
    return datetime.now(JST).replace(microsecond=0)


def sandbox_orders(shop, progress: int | None = None) -> list[str]:
    query = f"?orderProgress={progress}" if progress else ""
    return [o["orderNumber"] for o in control(shop, "GET", f"orders{query}")["orders"]]


def test_license_expiry_is_the_keys_expiry_in_jst(client, shop):
    (credential,) = control(shop, "GET", "credentials")["credentials"]
    expiry = client.get_license_expiry()
    assert expiry == datetime.fromisoformat(credential["expiresAt"])
    assert expiry.utcoffset() == timedelta(hours=9)


@pytest.mark.parametrize(("shape", "code"), [("errors", "GA0001"), ("results", "ES01-01")])
def test_wrong_credentials_are_an_auth_error_in_both_shapes(shop, shape, code):
    control(shop, "PATCH", "config", {"auth_error_shape": shape})
    client = RmsClient(DEMO_SERVICE_SECRET, "SL000001_wrong", base_url=shop.url)
    with pytest.raises(RmsAuthError) as caught:
        client.search_orders(date_type=1, start=now() - timedelta(days=1), end=now())
    assert (caught.value.http_status, caught.value.code) == (401, code)
    assert "SL000001_wrong" not in str(caught.value)


def test_a_disabled_function_is_an_auth_error(shop):
    control(shop, "PATCH", "config", {"auth_error_shape": "results"})
    body = {
        "serviceSecret": "SP000001_other",
        "licenseKey": "SL000001_other",
        "shop": "000001",
        "disabledFunctions": ["license.expiryDate.get"],
    }
    control(shop, "POST", "credentials", body)
    client = RmsClient("SP000001_other", "SL000001_other", base_url=shop.url)
    with pytest.raises(RmsAuthError) as caught:
        client.get_license_expiry()
    assert caught.value.code == "ES04-01"
    assert client.search_orders(date_type=1, start=now() - timedelta(days=1), end=now()).page == 1


def test_search_and_get_orders_return_the_demo_orders(client, shop):
    page = client.search_orders(date_type=1, start=now() - timedelta(days=30), end=now())
    assert sorted(page.order_numbers) == sorted(sandbox_orders(shop))
    assert (page.total_records, page.total_pages, page.page) == (8, 1, 1)
    orders = client.get_orders(page.order_numbers)
    assert [o.order_number for o in orders] == page.order_numbers
    catalogue = {(i["manageNumber"], vid) for i in control(shop, "GET", "items")["items"] for vid in i["variants"]}
    for order in orders:
        assert order.order_datetime.tzinfo is not None and order.orderer.name
        stored = control(shop, "GET", f"orders/{order.order_number}")
        assert order.raw["orderDatetime"] == stored["orderDatetime"]
        assert order.order_progress == stored["orderProgress"]
        for item in order.items:
            assert (item.manage_number, item.variant_id) in catalogue and item.units >= 1


def test_iter_order_numbers_covers_a_range_longer_than_63_days(client, shop):
    start = now() - timedelta(days=200)
    control(shop, "POST", "orders", {"random": 60, "start": start.isoformat(), "end": now().isoformat()})
    numbers = list(client.iter_order_numbers(date_type=1, start=start, end=now(), per_page=7))
    assert numbers == sandbox_orders(shop)  # oldest first, each once
    assert len(numbers) == 68


def test_iter_order_numbers_bisects_past_the_15000_hit_cap(client, shop, monkeypatch):
    # The client and the sandbox both cap at RMS's 15 000 hits; the walk is the same at a cap of 300 on both
    # sides, with 50 times fewer orders to make and search (15 050 took 17 s).
    assert api_orders.SEARCH_HIT_CAP == sandbox_search.HIT_CAP == 15_000
    monkeypatch.setattr(api_orders, "SEARCH_HIT_CAP", 300)
    monkeypatch.setattr(sandbox_api_orders, "HIT_CAP", 300)
    day = now() - timedelta(days=3)
    # 15,050 orders are more than the demo shop has in stock; this test is about searching, not stock.
    control(shop, "PATCH", "config", {"order_decrements_inventory": False})
    control(
        shop,
        "POST",
        "orders",
        {"random": 350, "start": (day - timedelta(hours=20)).isoformat(), "end": day.isoformat()},
    )
    walked = list(client.iter_order_numbers(date_type=1, start=now() - timedelta(days=70), end=now(), per_page=100))
    assert len(walked) == len(set(walked)) == 358
    assert set(walked) == set(sandbox_orders(shop))


def test_confirm_orders_moves_new_orders_and_reports_the_rest(client, shop):
    waiting, shipped = sandbox_orders(shop, 100), sandbox_orders(shop, 500)
    results = client.confirm_orders(waiting + shipped[:1] + ["000001-20240101-0000000000"])
    assert [r.ok for r in results] == [True] * len(waiting) + [False, False]
    assert results[len(waiting)].code == "ORDER_EXT_API_CONFIRM_ORDER_ERROR_103"
    assert sorted(sandbox_orders(shop, 200)) == sorted(waiting)


def test_update_order_shipping_adds_then_changes_a_tracking_row_and_the_night_ships_it(client, shop):
    number = sandbox_orders(shop, 300)[0]
    (order,) = client.get_orders([number])
    row = {"delivery_company": "1001", "shipping_number": "1234", "shipping_date": date.today()}
    baskets = [{"basket_id": p.basket_id, "shippings": [row]} for p in order.packages]
    added = client.update_order_shipping(number, baskets)
    assert [r.code for r in added] == ["ORDER_EXT_API_UPDATE_ORDERSHIPPING_INFO_101"] * len(baskets)
    first = added[0].shipping_detail_id
    changed = client.update_order_shipping(
        number,
        [
            {
                "basket_id": order.packages[0].basket_id,
                "shippings": [{"shipping_detail_id": first, "shipping_number": "999999999999"}],
            }
        ],
    )
    assert [(r.data_number, r.shipping_detail_id) for r in changed] == [(1, first)]
    (after,) = client.get_orders([number])
    stored = after.packages[0].shippings[0]
    assert (stored.shipping_detail_id, stored.shipping_number) == (first, "999999999999")
    assert stored.delivery_company_name == "ヤマト運輸"
    assert number in control(shop, "POST", "tick", {})["shipped"]
    (shipped,) = client.get_orders([number])
    assert shipped.order_progress == 500 and shipped.shipping_cmpl_rpt_datetime is not None


def test_update_order_shipping_rejects_a_carrier_name_with_details(client, shop):
    number = sandbox_orders(shop, 300)[0]
    (order,) = client.get_orders([number])
    baskets = [{"basket_id": order.packages[0].basket_id, "shippings": [{"delivery_company": "ヤマト運輸"}]}]
    with pytest.raises(RmsRequestError) as caught:
        client.update_order_shipping(number, baskets)
    assert caught.value.code == "ORDER_EXT_API_UPDATE_ORDERSHIPPING_ERROR_011"
    assert client.get_orders([number])[0].packages[0].shippings == []


def test_cancel_order_cancels_once(client, shop):
    number = sandbox_orders(shop, 100)[0]
    client.cancel_order(number, inventory_restore_type=1, reason_code=8)
    assert control(shop, "GET", f"orders/{number}")["orderProgress"] == 900
    with pytest.raises(RmsRequestError) as caught:
        client.cancel_order(number)
    assert caught.value.code == "ORDER_EXT_API_CANCEL_ORDER_ERROR_102"


def test_an_injected_503_is_retried_and_recorded(client, shop, calls):
    control(shop, "POST", "faults", {"function": "rpay.order.searchOrder", "count": 2, "status": 503})
    page = client.search_orders(date_type=1, start=now() - timedelta(days=30), end=now())
    assert page.total_records == 8
    assert [(c.attempt, c.http_status, c.error_class) for c in calls] == [
        (1, 503, "RmsTransientError"),
        (2, 503, "RmsTransientError"),
        (3, 200, ""),
    ]


def test_an_injected_drop_is_transient(shop):
    control(shop, "POST", "faults", {"function": "*", "count": 5, "drop": True})
    client = RmsClient(DEMO_SERVICE_SECRET, DEMO_LICENSE_KEY, base_url=shop.url, max_retries=2, backoff_base=0.01)
    with pytest.raises(RmsTransientError):
        client.get_license_expiry()
    log = control(shop, "GET", "requests?function=license.expiryDate.get")["requests"]
    assert [entry["dropped"] for entry in log] == [True, True, True]


def test_paced_client_stays_under_the_sandbox_rate_limits(shop, calls):
    control(shop, "PATCH", "config", {"rate_limits": True})
    client = RmsClient(
        DEMO_SERVICE_SECRET,
        DEMO_LICENSE_KEY,
        base_url=shop.url,
        on_call=calls.append,
        rate_limiter=LocalRateLimiter(DEFAULT_RATES),
    )
    for _ in range(3):
        client.search_orders(date_type=1, start=now() - timedelta(days=1), end=now())
    client.bulk_get_inventories([("tee01", "tee01-m-blk")])
    assert [c.http_status for c in calls] == [200] * 4


def test_unpaced_bursts_are_rate_limited_and_retried(shop, calls):
    control(shop, "PATCH", "config", {"rate_limits": True})
    client = RmsClient(
        DEMO_SERVICE_SECRET,
        DEMO_LICENSE_KEY,
        base_url=shop.url,
        on_call=calls.append,
        backoff_base=0.3,
        backoff_max=1.5,
        max_retries=10,
    )
    for _ in range(2):
        client.search_orders(date_type=1, start=now() - timedelta(days=1), end=now())
    limited = [c for c in calls if c.http_status == 429]
    assert limited and {(c.error_class, c.error_code) for c in limited} == {("RmsRateLimitedError", "GA0003")}
    assert [c.http_status for c in calls].count(200) == 2
