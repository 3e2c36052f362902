"""on_hand is the shelf, allocated what open orders hold: stocktakes, shipments and short counts."""

from __future__ import annotations

import pytest

from inventory.models import StockLevel, StockMovement
from inventory.services import available_by_sku, set_stock_count, set_stock_counts
from orders.models import Order
from orders.services import allocate_order, mark_shipped, save_orders, ship_lines


@pytest.fixture
def shop(make_account, make_store, make_sku, set_stock):
    store = make_store("S1")
    account = make_account(stores=[store])
    sku = make_sku("TEE-M")
    set_stock(store, sku, 10)
    return account, store, sku


def level(store, sku) -> StockLevel:
    return StockLevel.objects.get(store=store, sku=sku)


def test_an_allocation_holds_units_on_the_shelf(shop, make_order):
    account, store, sku = shop
    allocate_order(make_order(account, [(sku, 3)]))
    assert (level(store, sku).on_hand, level(store, sku).allocated, level(store, sku).available) == (10, 3, 7)


def test_a_stocktake_of_the_shelf_keeps_allocated_units_unsellable(shop, make_order):
    account, store, sku = shop
    allocate_order(make_order(account, [(sku, 3)]))
    set_stock_counts([(store, sku, 10)])  # staff count the shelf: the 3 held units are still there
    assert available_by_sku(sku_ids=[sku.pk], store_ids=[store.pk]) == {sku.pk: 7}
    set_stock_count(store=store, sku=sku, counted=8)  # two went missing
    assert (level(store, sku).on_hand, level(store, sku).allocated) == (8, 3)
    assert available_by_sku(sku_ids=[sku.pk], store_ids=[store.pk]) == {sku.pk: 5}


def test_a_count_below_what_is_allocated_releases_the_newest_orders_and_flags_them(shop, make_order):
    account, store, sku = shop
    from datetime import timedelta

    from django.utils import timezone

    old = allocate_order(make_order(account, [(sku, 4)], ordered_at=timezone.now() - timedelta(days=1)))
    new = allocate_order(make_order(account, [(sku, 4)]))
    set_stock_count(store=store, sku=sku, counted=5)
    old, new = Order.objects.get(pk=old.pk), Order.objects.get(pk=new.pk)
    assert (level(store, sku).on_hand, level(store, sku).allocated, level(store, sku).available) == (5, 5, 0)
    assert old.state == "allocated" and old.lines.get().allocated_units == 4
    assert new.state == "needs_attention" and new.attention_reasons == ["short_stock"]
    assert new.lines.get().allocated_units == 1 and new.lines.get().needs_attention


def test_a_shipment_lowers_on_hand_and_allocated_once(shop, make_order):
    account, store, sku = shop
    order = allocate_order(make_order(account, [(sku, 3)]))
    for _ in range(2):
        order = Order.objects.get(pk=order.pk)
        lines = list(order.lines.all())
        mark_shipped(order, lines)
        save_orders([(order, lines)])
    assert (level(store, sku).on_hand, level(store, sku).allocated) == (7, 0)
    assert StockMovement.objects.filter(kind="order_shipment").count() == 1
    line = Order.objects.get(pk=order.pk).lines.get()
    assert (line.allocated_units, line.shipped_units) == (0, 3)
    assert Order.objects.get(pk=order.pk).state == "shipped"


def test_a_shipment_from_another_store_releases_there_and_leaves_from_the_shelf_it_left(
        shop, make_order, make_store, set_stock):
    account, store, sku = shop
    other = make_store("S2")
    set_stock(other, sku, 2)
    order = allocate_order(make_order(account, [(sku, 2)]))
    ship_lines(order, list(order.lines.all()), store=other)
    assert (level(store, sku).on_hand, level(store, sku).allocated) == (10, 0)
    assert (level(other, sku).on_hand, level(other, sku).allocated) == (0, 0)
