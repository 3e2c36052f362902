"""Allocation is exact, idempotent, never negative, and always goes through the stock ledger."""

import pytest

from inventory.models import StockLevel, StockMovement
from orders.models import Order, OrderLine
from orders.services import allocate_order, allocate_orders, cancel_order, mark_checked, release_lines


def on_hand(store, sku) -> int:
    """What may still be sold there: allocations hold units on the shelf (on_hand − allocated)."""
    return StockLevel.objects.get(store=store, sku=sku).available


@pytest.fixture
def two_stores(make_account, make_store, make_sku, set_stock):
    big, small = make_store("S1"), make_store("S2")
    account = make_account(stores=[big, small])
    sku = make_sku()
    set_stock(big, sku, 5)
    set_stock(small, sku, 2)
    return account, big, small, sku


def test_it_allocates_from_the_store_with_most_stock_first(two_stores, make_order):
    account, big, small, sku = two_stores
    order = allocate_order(make_order(account, [(sku, 3)]))
    assert (on_hand(big, sku), on_hand(small, sku)) == (2, 2)
    assert order.state == "allocated" and order.attention_reasons == []
    movement = StockMovement.objects.get()
    assert (movement.kind, movement.quantity, movement.allocated_change, movement.reference) == (
        "order_allocation", 0, 3, order.order_number)  # held, still on the shelf


def test_it_splits_a_line_over_stores_and_flags_what_no_store_has(two_stores, make_order):
    account, big, small, sku = two_stores
    order = allocate_order(make_order(account, [(sku, 9)]))
    line = order.lines.get()
    assert (on_hand(big, sku), on_hand(small, sku)) == (0, 0)
    assert line.allocated_units == 7 and line.needs_attention
    assert order.state == "needs_attention" and order.attention_reasons == ["short_stock"]


def test_allocating_again_never_moves_stock_twice(two_stores, make_order):
    account, big, small, sku = two_stores
    order = make_order(account, [(sku, 3)])
    for _ in range(3):
        allocate_order(order)
    assert StockMovement.objects.count() == 1 and on_hand(big, sku) == 2


def test_a_stale_allocated_figure_cannot_allocate_twice(two_stores, make_order):
    """The ledger, not the row's allocated_units, says what a line holds."""
    account, big, small, sku = two_stores
    order = allocate_order(make_order(account, [(sku, 3)]))
    OrderLine.objects.filter(order=order).update(allocated_units=0)
    allocate_order(order)
    assert StockMovement.objects.count() == 1 and order.lines.get().allocated_units == 3


def test_a_restock_lets_a_short_line_complete_with_a_new_key(two_stores, make_order, set_stock):
    account, big, small, sku = two_stores
    order = allocate_order(make_order(account, [(sku, 9)]))
    set_stock(big, sku, 9)  # the 5 held units are still on the shelf; 4 more were delivered
    order = allocate_order(order)
    assert order.state == "allocated" and order.lines.get().allocated_units == 9
    keys = set(StockMovement.objects.values_list("idempotency_key", flat=True))
    base = f"order-line:{account.pk}:{order.order_number}:{order.lines.get().item_detail_id}:alloc:store:{big.pk}"
    assert {base, base + ":2"} <= keys


def test_unmatched_lines_are_kept_and_flagged(two_stores, make_order):
    account, big, small, sku = two_stores
    order = allocate_order(make_order(account, [(None, 1), (sku, 1)]))
    unmatched = order.lines.get(sku=None)
    assert unmatched.needs_attention and unmatched.allocated_units == 0
    assert order.attention_reasons == ["unmatched_line"] and order.state == "needs_attention"


def test_an_unmapped_payment_method_needs_attention(two_stores, make_order):
    account, big, small, sku = two_stores
    order = allocate_order(make_order(account, [(sku, 1)], settlement_method_code=17))
    assert order.attention_reasons == ["unmapped_payment"]


def test_cancelling_releases_to_the_stores_it_came_from(two_stores, make_order):
    account, big, small, sku = two_stores
    order = allocate_order(make_order(account, [(sku, 6)]))
    assert (on_hand(big, sku), on_hand(small, sku)) == (0, 1)
    lines = list(order.lines.all())
    cancel_order(order, lines)
    cancel_order(order, lines)  # a second cancellation finds nothing held
    assert (on_hand(big, sku), on_hand(small, sku)) == (5, 2)
    releases = StockMovement.objects.filter(kind="order_release")
    assert sorted(releases.values_list("store__code", "allocated_change")) == [("S1", -5), ("S2", -1)]
    assert Order.objects.get(pk=order.pk).state == "cancelled" and order.lines.get().allocated_units == 0


def test_fewer_units_or_a_removed_line_give_stock_back(two_stores, make_order):
    account, big, small, sku = two_stores
    order = allocate_order(make_order(account, [(sku, 4)]))
    OrderLine.objects.filter(order=order).update(units=1)
    allocate_order(order)
    assert on_hand(big, sku) + on_hand(small, sku) == 6
    OrderLine.objects.filter(order=order).update(removed=True)
    order = allocate_order(order)
    assert on_hand(big, sku) + on_hand(small, sku) == 7
    assert order.state == "allocated"


def test_release_and_allocate_again_use_fresh_keys(two_stores, make_order):
    account, big, small, sku = two_stores
    order = allocate_order(make_order(account, [(sku, 2)]))
    release_lines(order, list(order.lines.all()))
    OrderLine.objects.filter(order=order).update(allocated_units=0)
    allocate_order(order)
    assert on_hand(big, sku) == 3
    assert StockMovement.objects.filter(kind="order_allocation").count() == 2


def test_allocation_works_on_unsaved_orders(two_stores):
    """The fetch allocates before it inserts: keys need no primary key."""
    account, big, small, sku = two_stores
    order = Order(account=account, order_number="000001-20250101-99999999", order_progress=100,
                  ordered_at="2025-01-01T00:00+09:00")
    line = OrderLine(order=order, item_detail_id=1, name="x", price=1, units=2, sku=sku)
    allocate_orders([(order, [line])], stores=[big, small], fresh=True, save=False)
    assert line.allocated_units == 2 and order.state == "allocated" and on_hand(big, sku) == 3


def test_mark_checked_clears_only_what_a_person_must_clear(two_stores, make_order):
    account, big, small, sku = two_stores
    order = make_order(account, [(None, 1)], attention_reasons=["order_changed"])
    order = mark_checked(order)
    assert order.attention_reasons == ["unmatched_line"] and order.state == "needs_attention"
