"""Exactly once under timeouts: a call whose answer was lost is read back before anything is sent again.

The sandbox's `after` fault applies the call and then drops the connection, so RMS holds the rows while the
client saw only a dropped connection; its latency switch makes the client time out while RMS still works.
"""

from __future__ import annotations

import time

from orders.models import Shipment
from orders.shipping import change_shipment, delete_shipment
from rakuten_link.sandbox.state.faults import FaultRule

from .conftest import GET_ORDER, UPDATE, ours, states


def test_an_add_rms_applied_but_whose_answer_was_lost_is_adopted_not_added_twice(order_shop, make_orders, ship,
                                                                                  report, rows_in_rms, rms_orders):
    (order,) = make_orders(1, packages=2)
    first, second = order.packages.order_by("basket_id")
    ship(first, "A-1"), ship(first, "A-2"), ship(second, "B-1")
    order_shop.sandbox.state.faults.add(FaultRule(UPDATE, 1, after=True))
    lost = report(expect="failed")
    assert "connection" in lost.error and states(order) == ["sending"] * 3
    assert [len(rows) for rows in rows_in_rms(order).values()] == [2, 1]  # RMS did apply it

    run = report()
    assert len(rms_orders.log(UPDATE)) == 1  # read back, never sent again
    assert len(rms_orders.log(GET_ORDER)) >= 1
    assert ours(order) == rows_in_rms(order) and [len(rows) for rows in rows_in_rms(order).values()] == [2, 1]
    assert states(order) == ["reported"] * 3
    assert (run.counts["read_back"], run.counts["adopted"], run.counts["reported"]) == (3, 3, 0)


def test_identical_parcels_adopt_different_rows(order_shop, make_orders, ship, report, rows_in_rms):
    (order,) = make_orders(1)
    package = order.packages.get()
    ship(package, "SAME"), ship(package, "SAME")
    order_shop.sandbox.state.faults.add(FaultRule(UPDATE, 1, after=True))
    report(expect="failed")
    report()
    ids = [row[0] for row in ours(order)[package.basket_id]]
    assert len(set(ids)) == 2 and ours(order) == rows_in_rms(order)


def test_a_read_timeout_while_rms_still_works_is_read_back_too(order_shop, make_orders, ship, report, rows_in_rms,
                                                               rms_orders, settings):
    (order,) = make_orders(1)
    ship(order.packages.get(), "SLOW")
    settings.RMS_READ_TIMEOUT = 0.2
    rms_orders.config(latency_ms=600)
    run = report(expect="failed")
    assert "timed out" in run.error and states(order) == ["sending"]
    rms_orders.config(latency_ms=0)
    deadline = time.monotonic() + 5
    while not rms_orders.log(UPDATE) and time.monotonic() < deadline:  # RMS finishes the call on its own time
        time.sleep(0.05)

    run = report()
    assert len(rms_orders.log(UPDATE)) == 1 and run.counts["adopted"] == 1
    assert states(order) == ["reported"] and ours(order) == rows_in_rms(order)


def test_a_dropped_add_rms_never_applied_is_sent_again_once(order_shop, make_orders, ship, report, rows_in_rms,
                                                           rms_orders):
    (order,) = make_orders(1)
    ship(order.packages.get(), "DROPPED")
    order_shop.sandbox.state.faults.add(FaultRule(UPDATE, 1, drop=True))
    report(expect="failed")
    assert rows_in_rms(order) == {order.packages.get().basket_id: []}

    run = report()
    assert (run.counts["read_back"], run.counts["adopted"], run.counts["reported"]) == (1, 0, 1)
    assert len(rms_orders.log(UPDATE)) == 2 and len(rows_in_rms(order)[order.packages.get().basket_id]) == 1
    assert states(order) == ["reported"] and ours(order) == rows_in_rms(order)


def test_a_deletion_whose_answer_was_lost_is_read_back_as_done(order_shop, make_orders, ship, report, rows_in_rms,
                                                              rms_orders):
    (order,) = make_orders(1)
    shipment = ship(order.packages.get(), "GONE")
    report()
    delete_shipment(shipment)
    order_shop.sandbox.state.faults.add(FaultRule(UPDATE, 1, after=True))
    report(expect="failed")
    run = report()
    stored = Shipment.objects.get()
    assert stored.deleted and stored.report_state == "reported" and run.counts["read_back"] == 1
    assert rows_in_rms(order) == {order.packages.get().basket_id: []} and len(rms_orders.log(UPDATE)) == 2


def test_a_shipment_changed_after_a_lost_correction_is_corrected_again(order_shop, make_orders, ship, report,
                                                                       rows_in_rms):
    (order,) = make_orders(1)
    shipment = ship(order.packages.get(), "ONE")
    report()
    change_shipment(shipment, tracking_number="TWO")
    order_shop.sandbox.state.faults.add(FaultRule(UPDATE, 5, drop=True))  # more drops than the client retries
    report(expect="failed")
    assert states(order) == ["sending"]
    change_shipment(shipment, tracking_number="THREE")  # staff again, while the outcome is unknown
    run = report()
    assert run.counts["read_back"] == 1 and run.counts["corrected"] == 1
    assert [r[2] for r in rows_in_rms(order)[order.packages.get().basket_id]] == ["THREE"]
    assert states(order) == ["reported"] and ours(order) == rows_in_rms(order)
