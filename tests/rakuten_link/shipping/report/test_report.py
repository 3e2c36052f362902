"""`rakuten_sync shipments` against the sandbox: adds, corrections, deletions, the 20-row limit, refusals.

Every test looks at both sides: the rows the sandbox holds per basket (and the calls it received), and our
Shipment rows.
"""

from __future__ import annotations

from django.core import mail

from orders.models import Shipment
from orders.shipping import change_shipment, delete_shipment, record_shipment
from rakuten_link.models import AlertLog
from rakuten_link.sandbox.state.faults import FaultRule

from .conftest import SHIP_DAY, UPDATE, ours, states


def test_several_baskets_and_several_rows_go_in_one_call_and_keep_their_ids(make_orders, ship, report, rows_in_rms,
                                                                             rms_orders):
    order, other = make_orders(2, packages=2)
    first, second = order.packages.order_by("basket_id")
    ship(first, "A-1"), ship(first, "A-2", company="1002"), ship(second, "B-1", company="1003")
    ship(other.packages.order_by("basket_id")[0], "C-1")
    run = report()

    assert ours(order) == rows_in_rms(order)
    assert [len(rows) for rows in rows_in_rms(order).values()] == [2, 1]
    assert [row[2] for row in rows_in_rms(order)[first.basket_id]] == ["A-1", "A-2"]
    assert set(states(order)) == {"reported"} and set(states(other)) == {"reported"}
    calls = {call["body"]["orderNumber"]: call["body"] for call in rms_orders.log(UPDATE)}
    assert len(calls) == len(rms_orders.log(UPDATE)) == 2
    baskets = calls[order.order_number]["BasketidModelList"]
    assert [(b["basketId"], len(b["ShippingModelList"])) for b in baskets] == [(first.basket_id, 2),
                                                                                (second.basket_id, 1)]
    assert all("shippingDetailId" not in row for b in baskets for row in b["ShippingModelList"])
    assert run.counts == {"reported": 4, "corrected": 0, "deleted": 0, "refused": 0, "read_back": 0, "adopted": 0,
                          "calls": 2, "awaiting_rms": 0}
    assert report().counts["calls"] == 0  # nothing left to say


def test_a_correction_updates_the_same_row(make_orders, ship, report, rows_in_rms, rms_orders):
    (order,) = make_orders(1)
    shipment = ship(order.packages.get(), "111")
    report()
    detail_id = Shipment.objects.get().external_id
    change_shipment(shipment, tracking_number="222", delivery_company="1002")
    run = report()

    ((basket, rows),) = rows_in_rms(order).items()
    assert rows == [(int(detail_id), "1002", "222", SHIP_DAY.isoformat())] == ours(order)[basket]
    row = rms_orders.log(UPDATE)[-1]["body"]["BasketidModelList"][0]["ShippingModelList"][0]
    assert row["shippingDetailId"] == int(detail_id) and row["shippingNumber"] == "222"
    stored = Shipment.objects.get()
    assert stored.report_state == "reported" and stored.reported_values["tracking_number"] == "222"
    assert (run.counts["corrected"], run.counts["reported"]) == (1, 0)


def test_a_deletion_sends_the_delete_flag_and_the_row_goes(make_orders, ship, report, rows_in_rms, rms_orders):
    (order,) = make_orders(1)
    package = order.packages.get()
    keep, gone = ship(package, "KEEP"), ship(package, "GONE")
    report()
    detail_id = int(Shipment.objects.get(pk=gone.pk).external_id)
    delete_shipment(gone)
    run = report()

    row = rms_orders.log(UPDATE)[-1]["body"]["BasketidModelList"][0]["ShippingModelList"]
    assert row == [{"shippingDetailId": detail_id, "shippingDeleteFlag": 1}]
    assert [r[2] for r in rows_in_rms(order)[package.basket_id]] == ["KEEP"]
    stored = Shipment.objects.get(pk=gone.pk)
    assert stored.deleted and stored.report_state == "reported" and stored.reported_values == {}
    assert Shipment.objects.get(pk=keep.pk).report_state == "reported"
    assert run.counts["deleted"] == 1 and report().counts["calls"] == 0


def test_the_21st_row_of_a_basket_is_refused_before_sending(make_orders, ship, report, rows_in_rms, rms_orders):
    (order,) = make_orders(1)
    package = order.packages.get()
    for n in range(20):
        ship(package, f"T{n}")
    report()
    assert len(rows_in_rms(order)[package.basket_id]) == 20
    # The CSV import or a second worker could get past record_shipment's own check: the job checks again.
    extra = Shipment.objects.create(order=order, package=package, delivery_company="1001", tracking_number="T20",
                                    shipped_on=SHIP_DAY)
    rms_orders.clear_log()
    run = report()

    assert rms_orders.log(UPDATE) == []  # no call made
    extra.refresh_from_db()
    assert extra.report_state == "error" and "20" in extra.report_error
    assert len(rows_in_rms(order)[package.basket_id]) == 20 and run.counts["refused"] == 1


def test_a_deletion_makes_room_for_an_add_on_the_next_run(make_orders, ship, report, rows_in_rms, rms_orders):
    (order,) = make_orders(1)
    package = order.packages.get()
    shipments = [ship(package, f"T{n}") for n in range(20)]
    report()
    delete_shipment(shipments[0])
    newcomer = record_shipment(package=package, delivery_company="1001", tracking_number="NEW", shipped_on=SHIP_DAY)
    report()  # RMS counts the rows it holds before the deletion: the add waits one run

    sent = rms_orders.log(UPDATE)[-1]["body"]["BasketidModelList"][0]["ShippingModelList"]
    assert sent == [{"shippingDetailId": int(Shipment.objects.get(pk=shipments[0].pk).external_id),
                     "shippingDeleteFlag": 1}]
    assert Shipment.objects.get(pk=newcomer.pk).report_state == "pending"
    report()
    rows = rows_in_rms(order)[package.basket_id]
    assert len(rows) == 20 and rows[-1][2] == "NEW" and ours(order)[package.basket_id] == rows


def test_an_rms_refusal_is_shown_on_the_rows_it_names_and_alerted_once(make_orders, ship, report, rows_in_rms,
                                                                       rms_orders):
    good_order, cancelled = make_orders(2)
    good = ship(good_order.packages.get(), "OK-1")
    bad = Shipment.objects.create(order=good_order, package=good_order.packages.get(), delivery_company="9999",
                                  tracking_number="BAD", shipped_on=SHIP_DAY)  # no such carrier code
    lost = ship(cancelled.packages.get(), "X-1")
    rms_orders.cancel(cancelled.order_number)  # cancelled in RMS before we heard
    run = report()

    bad.refresh_from_db()
    assert bad.report_state == "error" and "deliveryCompanyの書式が不正です。" in bad.report_error
    assert "ORDER_EXT_API_UPDATE_ORDERSHIPPING_ERROR_011" in bad.report_error
    assert Shipment.objects.get(pk=good.pk).report_state == "pending"  # RMS applied nothing; sent again
    lost.refresh_from_db()
    assert lost.report_state == "error" and "ERROR_102" in lost.report_error  # RMS named no row: all refused
    assert rows_in_rms(good_order) == {good_order.packages.get().basket_id: []}
    assert run.counts["refused"] == 2
    assert len(mail.outbox) == 1 and AlertLog.objects.filter(kind="shipment_refused").count() == 1
    assert good_order.order_number in mail.outbox[0].body and cancelled.order_number in mail.outbox[0].body

    run = report()
    assert Shipment.objects.get(pk=good.pk).report_state == "reported" and run.counts["reported"] == 1
    assert [r[2] for r in rows_in_rms(good_order)[good_order.packages.get().basket_id]] == ["OK-1"]
    assert len(mail.outbox) == 1
    assert len(rms_orders.log(UPDATE)) == 3


def test_an_unavailable_rms_leaves_the_rows_pending_and_they_go_next_run(order_shop, make_orders, ship, report,
                                                                        rows_in_rms):
    (order,) = make_orders(1)
    ship(order.packages.get(), "503")
    order_shop.sandbox.state.faults.add(FaultRule(UPDATE, 1, 503))
    run = report(expect="failed")
    assert "503" in run.error and states(order) == ["pending"]
    assert rows_in_rms(order) == {order.packages.get().basket_id: []}
    report()
    assert states(order) == ["reported"] and ours(order) == rows_in_rms(order)


def test_a_staff_change_made_while_the_call_was_in_flight_is_sent_next(make_orders, ship, report, rows_in_rms,
                                                                       monkeypatch):
    from rakuten_link.rms import RmsClient

    (order,) = make_orders(1)
    shipment = ship(order.packages.get(), "OLD")
    original = RmsClient.update_order_shipping

    def meanwhile(self, number, baskets):
        change_shipment(shipment, tracking_number="NEW")  # keeps 'sending': the job must notice afterwards
        return original(self, number, baskets)

    monkeypatch.setattr(RmsClient, "update_order_shipping", meanwhile)
    report()
    assert states(order) == ["pending"]
    monkeypatch.setattr(RmsClient, "update_order_shipping", original)
    run = report()
    assert run.counts["corrected"] == 1 and states(order) == ["reported"]
    assert [r[2] for r in rows_in_rms(order)[order.packages.get().basket_id]] == ["NEW"]


def test_a_stored_tracking_number_carriers_do_not_issue_is_refused_before_sending(make_orders, ship, report,
                                                                                   rows_in_rms, rms_orders):
    """A row stored before numbers were checked (or written past orders.shipping) never reaches RMS."""
    first, second = make_orders(2)
    good = ship(second.packages.get(), "1234-5678")
    bad = Shipment.objects.create(order=first, package=first.packages.get(), delivery_company="1001",
                                  tracking_number="=cmd|' /C calc'!A0", shipped_on=SHIP_DAY)

    run = report()

    assert [e["body"]["orderNumber"] for e in rms_orders.log(UPDATE)] == [second.order_number]
    bad.refresh_from_db()
    good.refresh_from_db()
    assert bad.report_state == "error" and "=cmd" in bad.report_error and bad.external_id == ""
    assert good.report_state == "reported" and run.counts["refused"] == 1
    assert not any(rows_in_rms(first).values())
