"""GET /api/v1/orders: orders changed since a cursor, keyset pages on (updated_at, id), with their parts."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from orders.models import Order, Shipment
from orders.services import allocate_order
from orders.shipping import record_shipment


@pytest.fixture(autouse=True)
def settled(settings):
    settings.API_ORDERS_SETTLE_SECONDS = 0


@pytest.fixture
def shop(make_account, make_store, make_sku, set_stock):
    store = make_store("S01")
    account = make_account(stores=[store])
    sku = make_sku("TEE-M")
    set_stock(store, sku, 100)
    return account, store, sku


def follow(api, cursor=None, limit=2):
    query = f"?limit={limit}" + (f"&cursor={cursor}" if cursor else "")
    page = api.get("/orders" + query).json()
    return [o["order_number"] for o in page["orders"]], page["next_cursor"]


def test_pages_follow_the_cursor_and_each_order_has_lines_packages_and_shipments(api, shop, make_order):
    account, store, sku = shop
    orders = [allocate_order(make_order(account, [(sku, 1)])) for _ in range(3)]
    record_shipment(package=orders[0].packages.get(), delivery_company="1001", shipped_on=date(2026, 12, 1),
                    tracking_number="123456789012")
    seen, cursor = follow(api)
    more, cursor = follow(api, cursor)
    assert sorted(seen + more) == sorted(o.order_number for o in orders) and len(seen) == 2
    assert follow(api, cursor) == ([], cursor)  # nothing new: the same cursor comes back
    shipped = next(o for o in api.get("/orders?limit=10").json()["orders"]
                   if o["order_number"] == orders[0].order_number)
    assert shipped["state"] == "shipped"
    assert shipped["lines"][0]["sku"] == "TEE-M" and shipped["lines"][0]["units"] == 1
    assert shipped["packages"][0]["basket_id"] == orders[0].packages.get().basket_id
    assert shipped["shipments"][0] | {"id": 0, "reported_at": None} == {
        "id": 0, "basket_id": shipped["packages"][0]["basket_id"], "carrier": "1001",
        "tracking_number": "123456789012", "shipped_on": "2026-12-01", "report_state": "pending",
        "reported_at": None, "deleted": False}


def test_an_order_changed_while_paging_comes_again_at_the_end_and_none_is_skipped(api, shop, make_order):
    account, store, sku = shop
    orders = [make_order(account, [(sku, 1)]) for _ in range(4)]
    first, cursor = follow(api)
    allocate_order(orders[0])  # a worker moves an order already sent: its updated_at moves past the cursor
    rest, cursor = follow(api, cursor)
    last, cursor = follow(api, cursor)
    assert first + rest + last == [o.order_number for o in orders[:4]] + [orders[0].order_number]


def test_a_shipment_or_a_state_change_moves_the_order_into_the_feed(api, shop, make_order):
    account, store, sku = shop
    order = make_order(account, [(sku, 1)])
    _seen, cursor = follow(api)
    assert follow(api, cursor)[0] == []
    allocate_order(order)
    changed, cursor = follow(api, cursor)
    assert changed == [order.order_number]
    record_shipment(package=order.packages.get(), delivery_company="1001", shipped_on=date(2026, 12, 1))
    assert follow(api, cursor)[0] == [order.order_number]


def test_orders_younger_than_the_settle_time_wait(api, shop, make_order, settings):
    settings.API_ORDERS_SETTLE_SECONDS = 5
    account, _store, sku = shop
    old = make_order(account, [(sku, 1)])
    Order.objects.filter(pk=old.pk).update(updated_at=timezone.now() - timedelta(seconds=10))
    make_order(account, [(sku, 1)])
    assert follow(api, limit=10)[0] == [old.order_number]


def test_a_store_token_sees_the_orders_of_the_accounts_selling_from_its_store(client_for, shop, make_order,
                                                                               make_account, make_store):
    account, store, sku = shop
    mine = make_order(account, [(sku, 1)])
    make_order(make_account(stores=[make_store("S09")]), [(sku, 1)])
    till = client_for("till", scopes=["orders:read"], store=store)
    assert follow(till, limit=10)[0] == [mine.order_number]


def test_a_bad_cursor_and_a_missing_scope(client_for, shop):
    reader = client_for("reader", scopes=["orders:read"])
    assert reader.get("/orders?cursor=garbage").json()["code"] == "invalid_cursor"
    assert client_for("stock", scopes=["stock:read"]).get("/orders").json()["code"] == "scope_missing"
    assert Shipment.objects.count() == 0
