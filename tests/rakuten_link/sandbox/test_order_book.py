"""The sandbox keeps the orders nobody holds packed (state/order_book.py), and that changes nothing one can see."""

from __future__ import annotations

import copy

from rakuten_link.sandbox.state import seed
from rakuten_link.sandbox.state.order_book import OrderBook
from rakuten_link.sandbox.state.state import SandboxState

GET = "/es/2.0/order/getOrder/"


def demo_orders() -> list[dict]:
    state = SandboxState()
    seed.reset_state(state, "demo")
    return [copy.deepcopy(state.orders[number]) for number in list(state.orders)]


def test_an_order_nobody_holds_is_packed_and_reads_back_equal():
    book, orders = OrderBook(), demo_orders()
    for order in orders:
        book[order["orderNumber"]] = copy.deepcopy(order)
    book.pack()
    assert book.packed_count() == len(orders) > 5
    assert [book.peek(o["orderNumber"]) for o in orders] == orders
    assert [book.copy_of(o["orderNumber"]) for o in orders] == orders
    assert list(book.values()) == orders  # read through the mapping: unpacked again
    assert book.packed_count() == 0


def test_an_order_or_a_part_of_it_still_held_elsewhere_stays_a_dict():
    book = OrderBook()
    first, second, third = demo_orders()[:3]
    numbers = [order["orderNumber"] for order in (first, second, third)]
    for order in (first, second, third):
        book[order["orderNumber"]] = order
    settlement = second["SettlementModel"]
    del order, second, third
    book.pack()
    assert book.packed_count() == 1  # the third; the first is held, and so is the second's settlement
    assert book[numbers[0]] is first and book[numbers[1]]["SettlementModel"] is settlement


def test_a_stored_order_edited_by_hand_after_requests_is_served_as_edited(sandbox, sandbox_client):
    created = sandbox_client.control("POST", "orders", {"random": 3}).json()["orderNumbers"]
    assert sandbox.state.orders.packed_count() == 3  # packed at the end of that request
    order = sandbox.state.orders[created[0]]
    order["remarks"] = "edited by hand"
    sandbox_client.post(GET, {"orderNumberList": created, "version": 7})  # packs again what nobody holds
    order["remarks"] += " twice"
    answer = sandbox_client.post(GET, {"orderNumberList": created, "version": 7}).json()["OrderModelList"]
    assert [o["remarks"] for o in answer if o["orderNumber"] == created[0]] == ["edited by hand twice"]
    assert sandbox.state.orders[created[0]] is order
