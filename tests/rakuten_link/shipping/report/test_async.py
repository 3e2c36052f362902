"""Big backlogs go through updateOrderShippingAsync (100 orders a call) and its results, against the sandbox."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from orders.models import Order, Shipment
from orders.models.shipment import UNKNOWN_REQUEST
from rakuten_link.rms import api_orders
from rakuten_link.sandbox.state.faults import FaultRule
from rakuten_link.shipping.report import batch

from .conftest import GET_ORDER, RESULT, SUBMIT, UPDATE, ours


@pytest.fixture
def quick_polls(monkeypatch):
    monkeypatch.setattr(batch, "POLL_INTERVAL", 0)


def test_one_and_a_half_batches_of_orders_go_in_two_async_calls_and_every_row_is_reported(
        make_orders, ship, report, rows_in_rms, rms_orders, settings, monkeypatch):
    # RMS takes 100 orders a call (the sandbox's own tests send it 100); the split is the same at 10 a call,
    # with a tenth of the orders to make, ship and report (150 orders took 25 s on PostgreSQL).
    assert batch.SHIPPING_ASYNC_BATCH == api_orders.SHIPPING_ASYNC_BATCH == 100
    monkeypatch.setattr(batch, "SHIPPING_ASYNC_BATCH", 10)
    monkeypatch.setattr(api_orders, "SHIPPING_ASYNC_BATCH", 10)
    settings.RAKUTEN_SHIPPING_ASYNC_MIN = 2
    orders = make_orders(15)
    for n, order in enumerate(orders):
        ship(order.packages.get(), f"T{n:03d}")
    run = report()

    submits = rms_orders.log(SUBMIT)
    assert [len(call["body"]["OrderShippingModelList"]) for call in submits] == [10, 5]
    assert rms_orders.log(UPDATE) == [] and len(rms_orders.log(RESULT)) == 2
    assert set(Shipment.objects.values_list("report_state", flat=True)) == {"reported"}
    for order in orders:
        assert ours(order) == rows_in_rms(order)
        assert len(next(iter(rows_in_rms(order).values()))) == 1
    assert (run.counts["reported"], run.counts["calls"]) == (15, 4)
    assert report().counts["calls"] == 0


def test_up_to_the_threshold_each_order_has_its_own_call(make_orders, ship, report, rms_orders, settings):
    settings.RAKUTEN_SHIPPING_ASYNC_MIN = 3
    for order in make_orders(3):
        ship(order.packages.get(), "X")
    report()
    assert (len(rms_orders.log(UPDATE)), len(rms_orders.log(SUBMIT))) == (3, 0)
    settings.RAKUTEN_SHIPPING_ASYNC_MIN = 0  # off
    for order in make_orders(4):
        ship(order.packages.get(), "Y")
    report()
    assert (len(rms_orders.log(UPDATE)), len(rms_orders.log(SUBMIT))) == (7, 0)


def test_an_order_rms_refuses_in_a_batch_is_refused_and_the_others_go_through(make_orders, ship, report,
                                                                             rows_in_rms, rms_orders, settings):
    settings.RAKUTEN_SHIPPING_ASYNC_MIN = 1
    fine, cancelled = make_orders(2)
    ship(fine.packages.get(), "FINE")
    refused = ship(cancelled.packages.get(), "NOPE")
    rms_orders.cancel(cancelled.order_number)
    run = report()

    refused.refresh_from_db()
    assert refused.report_state == "error" and "ERROR_102" in refused.report_error
    assert Shipment.objects.get(order=fine).report_state == "reported" and ours(fine) == rows_in_rms(fine)
    assert (run.counts["reported"], run.counts["refused"]) == (1, 1) and len(mail.outbox) == 1


def test_results_that_are_not_ready_are_read_on_a_later_run(order_shop, make_orders, ship, report, rows_in_rms,
                                                            rms_orders, settings, monkeypatch, quick_polls):
    settings.RAKUTEN_SHIPPING_ASYNC_MIN = 1
    monkeypatch.setattr(batch, "POLLS", 1)
    orders = make_orders(2)
    for order in orders:
        ship(order.packages.get(), "LATE")
    order_shop.sandbox.state.faults.add(FaultRule(RESULT, settings.RMS_MAX_RETRIES + 1, 503))
    report()
    waiting = Shipment.objects.get(order=orders[0])
    assert waiting.report_state == "sending" and waiting.report_request not in ("", UNKNOWN_REQUEST)

    run = report()
    assert set(Shipment.objects.values_list("report_state", flat=True)) == {"reported"}
    assert run.counts["read_back"] == 2 and len(rms_orders.log(SUBMIT)) == 1 and rms_orders.log(UPDATE) == []
    assert all(ours(order) == rows_in_rms(order) for order in orders)


def test_a_batch_whose_answer_was_lost_waits_then_is_read_back_and_adopted(order_shop, make_orders, ship, report,
                                                                           rows_in_rms, rms_orders, settings):
    settings.RAKUTEN_SHIPPING_ASYNC_MIN = 1
    orders = make_orders(2)
    for order in orders:
        ship(order.packages.get(), "LOST")
    order_shop.sandbox.state.faults.add(FaultRule(SUBMIT, 1, after=True))
    report(expect="failed")
    assert set(Shipment.objects.values_list("report_request", flat=True)) == {UNKNOWN_REQUEST}

    rms_orders.clear_log()
    report()  # RMS may still be working on it: nothing is read back or sent yet
    assert rms_orders.log() == [] and set(Shipment.objects.values_list("report_state", flat=True)) == {"sending"}

    Shipment.objects.update(updated_at=timezone.now() - batch.patience() - timedelta(minutes=1))
    run = report()
    assert run.counts["adopted"] == 2 and len(rms_orders.log(GET_ORDER)) == 1
    assert rms_orders.log(SUBMIT) == [] and rms_orders.log(UPDATE) == []
    assert all(ours(order) == rows_in_rms(order) for order in orders)
    assert set(Shipment.objects.values_list("report_state", flat=True)) == {"reported"}


def test_a_shipment_corrected_before_its_batch_result_came_keeps_its_one_row(order_shop, make_orders, ship, report,
                                                                             rows_in_rms, settings, monkeypatch,
                                                                             quick_polls):
    from orders.shipping import change_shipment

    settings.RAKUTEN_SHIPPING_ASYNC_MIN = 1
    monkeypatch.setattr(batch, "POLLS", 1)
    orders = make_orders(2)
    shipments = [ship(order.packages.get(), "FIRST") for order in orders]
    order_shop.sandbox.state.faults.add(FaultRule(RESULT, settings.RMS_MAX_RETRIES + 1, 503))
    report()
    change_shipment(shipments[0], tracking_number="SECOND")  # still 'sending': RMS holds FIRST

    run = report()  # the result names the row's id: adopted by id, then corrected in the same run
    (rows,) = rows_in_rms(orders[0]).values()
    assert [r[2] for r in rows] == ["SECOND"] and ours(orders[0]) == rows_in_rms(orders[0])
    assert (run.counts["adopted"], run.counts["corrected"]) == (2, 1)
    assert set(Shipment.objects.values_list("report_state", flat=True)) == {"reported"}


def test_a_batch_refused_with_http_200_refuses_the_named_order_and_sends_the_rest_at_once(
        order_shop, make_orders, ship, report, rows_in_rms, rms_orders, settings):
    """Rakuten's own example: 200, an ERROR per refused order, no requestId. Not an unknown outcome."""
    settings.RAKUTEN_SHIPPING_ASYNC_MIN = 1
    first, cancelled, last = make_orders(3)
    for order in (first, cancelled, last):
        ship(order.packages.get(), f"R-{order.pk}")
    rms_orders.cancel(cancelled.order_number)
    order_shop.sandbox.state.config.patch({"async_refuse_batch": True})
    rms_orders.clear_log()
    run = report()

    (submit,) = rms_orders.log(SUBMIT)
    assert len(submit["body"]["OrderShippingModelList"]) == 3
    assert sorted(call["body"]["orderNumber"] for call in rms_orders.log(UPDATE)) == sorted(
        [first.order_number, last.order_number])
    refused = Shipment.objects.get(order=cancelled)
    assert refused.report_state == "error" and "ERROR_102" in refused.report_error and refused.report_request == ""
    for order in (first, last):
        assert Shipment.objects.get(order=order).report_state == "reported" and ours(order) == rows_in_rms(order)
    assert (run.counts["reported"], run.counts["refused"], run.counts["calls"]) == (2, 1, 3)
    assert len(mail.outbox) == 1 and cancelled.order_number in mail.outbox[0].body


LOST = 5  # orders in the batch whose answer is lost (50 took 8 s on PostgreSQL and proved nothing more)


def move_clocks(monkeypatch, minutes: int) -> None:
    """Both sides `minutes` later: our timezone.now and the sandbox's clock."""
    from rakuten_link.sandbox.state import clock

    ours_now, rms_now = timezone.now() + timedelta(minutes=minutes), clock.now() + timedelta(minutes=minutes)
    monkeypatch.setattr(timezone, "now", lambda: ours_now)
    monkeypatch.setattr(clock, "now", lambda: rms_now)


def test_a_lost_batch_answer_is_read_back_within_ten_minutes_and_nothing_is_doubled(
        order_shop, make_orders, ship, report, rows_in_rms, rms_orders, settings, monkeypatch):
    from orders.models import BuyerMessage, MailTemplate, MessageEvent

    settings.RAKUTEN_SHIPPING_ASYNC_MIN = 1
    order_shop.account.template_shipped = MailTemplate.objects.create(name="発送", subject="発送", body="発送しました")
    order_shop.account.save()
    orders = make_orders(LOST)  # any number of orders in one lost batch
    Order.objects.filter(buyer_email="").update(buyer_email="abc@pc.fw.rakuten.ne.jp")
    for n, order in enumerate(orders):
        ship(order.packages.get(), f"LOST{n:02d}")
    order_shop.sandbox.state.faults.add(FaultRule(SUBMIT, 1, after=True))
    assert report(expect="failed").counts["awaiting_rms"] == LOST

    rms_orders.clear_log()
    move_clocks(monkeypatch, 8)
    waiting = report()  # RMS may still be working on it: nothing is read back or sent yet
    assert rms_orders.log() == [] and waiting.counts["awaiting_rms"] == LOST and waiting.counts["calls"] == 0
    assert f"{LOST}件の発送情報がRMSの応答待ち" in waiting.summary and not BuyerMessage.objects.exists()

    move_clocks(monkeypatch, 1)  # 9 minutes after the submit: the minute run reads back by the 10th minute
    run = report()
    assert (run.counts["read_back"], run.counts["adopted"], run.counts["awaiting_rms"]) == (LOST, LOST, 0)
    assert len(rms_orders.log(GET_ORDER)) == 1 and rms_orders.log(SUBMIT) == [] and rms_orders.log(UPDATE) == []
    for order in orders:
        (rows,) = rows_in_rms(order).values()
        assert len(rows) == 1 and ours(order) == rows_in_rms(order)
    assert set(Shipment.objects.values_list("report_state", flat=True)) == {"reported"}
    assert BuyerMessage.objects.filter(event=MessageEvent.SHIPPED).count() == LOST
    assert report().counts["calls"] == 0 and len(rms_orders.log(UPDATE)) == 0


def test_the_wait_before_a_read_back_is_a_setting(order_shop, make_orders, ship, report, rms_orders, settings,
                                                   monkeypatch):
    settings.RAKUTEN_SHIPPING_ASYNC_MIN = 1
    settings.RAKUTEN_SHIPPING_READBACK_MINUTES = 3
    for order in make_orders(2):
        ship(order.packages.get(), "SLOW")
    order_shop.sandbox.state.faults.add(FaultRule(SUBMIT, 1, after=True))
    report(expect="failed")
    move_clocks(monkeypatch, 4)
    assert report().counts["adopted"] == 2


def test_a_request_rms_has_no_result_for_is_waited_for_then_read_back(order_shop, make_orders, ship, report,
                                                                     rms_orders, settings, monkeypatch, quick_polls):
    """getResult's 200 INFO answer naming no order is "no result yet": no bogus result, no early read-back."""
    settings.RAKUTEN_SHIPPING_ASYNC_MIN = 1
    orders = make_orders(2)
    for order in orders:
        ship(order.packages.get(), "FORGOT")
    order_shop.sandbox.state.faults.add(FaultRule(RESULT, settings.RMS_MAX_RETRIES + 1, 503))
    report()
    order_shop.sandbox.state.shipping_async.prune(order_shop.sandbox.state.shipping_async.of_shop("000001")[0]
                                                  .received_at + timedelta(days=31))  # RMS forgot the request
    rms_orders.clear_log()
    waiting = report()
    assert len(rms_orders.log(RESULT)) == 1 and rms_orders.log(GET_ORDER) == []
    assert waiting.counts["awaiting_rms"] == 2

    move_clocks(monkeypatch, 11)
    run = report()
    assert (run.counts["adopted"], run.counts["awaiting_rms"]) == (2, 0) and rms_orders.log(UPDATE) == []
    assert set(Shipment.objects.values_list("report_state", flat=True)) == {"reported"}
