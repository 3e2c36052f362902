"""注文確認 and キャンセル against the sandbox: RMS first, then our copy re-read from RMS."""

from __future__ import annotations

import pytest
from django.contrib import messages
from django.contrib.admin.models import LogEntry

from orders.models import OrderChange
from rakuten_link.sandbox.state.faults import FaultRule
from rakuten_link.shipping.actions import cancel_order_in_rms, confirm_orders_in_rms

from .helpers import VARIANT, fetch_new, stock

CONFIRM, CANCEL, GET_ORDER = "rpay.order.confirmOrder", "rpay.order.cancelOrder", "rpay.order.getOrder"


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user("clerk", "clerk@example.com", "pw", is_staff=True)


@pytest.fixture(autouse=True)
def english(settings):
    from django.utils import translation

    with translation.override("en"):
        yield


def texts(result, level=None) -> list[str]:
    return [text for lvl, text in result.messages if level is None or lvl == level]


def test_confirm_sends_confirm_order_then_reads_the_order_again(order_shop, rms_orders, staff):
    order, = fetch_new(order_shop.account, rms_orders)
    rms_orders.clear_log()
    result = confirm_orders_in_rms(order_shop.account, [order], user=staff)
    assert result.ok and result.done == [order]
    assert [e["body"]["orderNumberList"] for e in rms_orders.log(CONFIRM)] == [[order.order_number]]
    assert [e["body"]["orderNumberList"] for e in rms_orders.log(GET_ORDER)] == [[order.order_number]]
    assert rms_orders.get(order.order_number)["orderProgress"] == 200
    order.refresh_from_db()
    assert order.order_progress == 200  # what RMS says, written by the fetch code with its change history
    assert OrderChange.objects.filter(order=order, field="order_progress", new_value="200").exists()
    assert LogEntry.objects.filter(user=staff, object_id=str(order.pk)).count() == 1


def test_confirm_skips_orders_not_awaiting_confirmation_without_asking_rms(order_shop, rms_orders):
    order, = fetch_new(order_shop.account, rms_orders, progress=300)
    rms_orders.clear_log()
    result = confirm_orders_in_rms(order_shop.account, [order])
    assert rms_orders.log() == [] and result.done == []
    assert order.order_number in texts(result, messages.WARNING)[0]


def test_bulk_confirm_sends_at_most_100_numbers_per_call(order_shop, rms_orders):
    orders = fetch_new(order_shop.account, rms_orders, 101)
    rms_orders.clear_log()
    result = confirm_orders_in_rms(order_shop.account, orders)
    assert [len(e["body"]["orderNumberList"]) for e in rms_orders.log(CONFIRM)] == [100, 1]
    assert len(result.done) == 101 and "101 orders confirmed" in texts(result, messages.SUCCESS)[0]
    assert len(rms_orders.log(GET_ORDER)) == 2  # read again in batches of 100, not one call per order
    assert {o.order_progress for o in type(orders[0]).objects.all()} == {200}


def test_an_order_rms_refuses_to_confirm_shows_rms_text(order_shop, rms_orders):
    order, = fetch_new(order_shop.account, rms_orders)
    rms_orders.cancel(order.order_number)  # cancelled in RMS by hand; our copy still says 100
    result = confirm_orders_in_rms(order_shop.account, [order])
    error, = texts(result, messages.ERROR)
    assert order.order_number in error and "指定された注文番号は既にキャンセルされています。" in error
    order.refresh_from_db()
    assert order.order_progress == 900 and order.state == "cancelled"  # the re-read caught up


def test_cancel_in_rms_then_here_releases_the_stock(order_shop, rms_orders, staff, ledger_check):
    order, = fetch_new(order_shop.account, rms_orders, progress=300)
    store, sku = order_shop.account.stores.get(), order_shop.skus[VARIANT]
    assert stock(store, sku) == (10, 1)
    result = cancel_order_in_rms(order, 8, staff)
    assert result.ok, result.messages
    cancel_call, = rms_orders.log(CANCEL)
    assert cancel_call["body"]["changeReasonDetailApply"] == 8
    assert rms_orders.get(order.order_number)["orderProgress"] == 900
    order.refresh_from_db()
    assert order.state == "cancelled" and order.order_progress == 900
    assert stock(store, sku) == (10, 0)
    assert ledger_check(order_shop.account) == 0
    entry = LogEntry.objects.get(user=staff, object_id=str(order.pk))
    assert "8 欠品" in entry.change_message


def test_cancel_is_refused_outside_100_to_300_without_asking_rms(order_shop, rms_orders, staff):
    order, = fetch_new(order_shop.account, rms_orders, progress=300)
    order.order_progress = 500
    order.save(update_fields=["order_progress"])
    rms_orders.clear_log()
    result = cancel_order_in_rms(order, 10, staff)
    assert not result.ok and rms_orders.log() == []
    assert "500" in texts(result, messages.ERROR)[0]


def test_rms_refusing_the_cancel_changes_nothing_and_quotes_rms(order_shop, rms_orders, staff, ledger_check):
    order, = fetch_new(order_shop.account, rms_orders, progress=300)
    rms_orders.progress(order.order_number, 400)  # RMS moved on; our copy still says 300
    result = cancel_order_in_rms(order, 10, staff)
    error, = texts(result, messages.ERROR)
    assert "指定された注文番号はキャンセルできるステータスではありません。" in error and order.order_number in error
    order.refresh_from_db()
    assert order.state != "cancelled" and ledger_check(order_shop.account) == 1
    assert not LogEntry.objects.filter(user=staff).exists()


def test_a_cancel_whose_answer_was_lost_is_read_back_and_completed(order_shop, rms_orders, staff, ledger_check):
    order, = fetch_new(order_shop.account, rms_orders, progress=200)
    order_shop.sandbox.state.faults.add(FaultRule(CANCEL, 1, after=True))  # applied, then the line drops
    result = cancel_order_in_rms(order, 1, staff)
    assert result.ok, result.messages
    order.refresh_from_db()
    assert order.state == "cancelled" and ledger_check(order_shop.account) == 0


def test_an_unknown_reason_code_is_refused(order_shop, rms_orders, staff):
    order, = fetch_new(order_shop.account, rms_orders)
    rms_orders.clear_log()
    assert not cancel_order_in_rms(order, 7, staff).ok and rms_orders.log() == []


def test_a_cancel_here_queues_one_cancellation_message_for_the_buyer(order_shop, rms_orders, staff):
    from orders.models import BuyerMessage, MailTemplate, Order
    from rakuten_link.sync.jobs import run_account_job

    account = order_shop.account
    account.template_cancelled = MailTemplate.objects.create(name="キャンセル", subject="{注文番号} キャンセル",
                                                             body="{購入者名} 様")
    account.save()
    number, = rms_orders.create({"orderProgress": 300, "OrdererModel": {"emailAddress": "b@pc.fw.rakuten.ne.jp"}})
    run_account_job(account, "orders")
    order = Order.objects.get(order_number=number)
    assert cancel_order_in_rms(order, 8, staff).ok
    assert cancel_order_in_rms(order, 8, staff).ok is False  # already cancelled: refused, nothing queued twice
    message, = BuyerMessage.objects.filter(order=order)
    assert (message.event, message.status) == ("cancelled", "queued")
    assert message.subject == f"{order.order_number} キャンセル"


def test_confirm_and_cancel_are_on_the_timeline_by_the_staff_member_with_the_reason(order_shop, rms_orders, staff):
    from orders.models import OrderEvent

    order, = fetch_new(order_shop.account, rms_orders)
    confirm_orders_in_rms(order_shop.account, [order], user=staff)
    assert cancel_order_in_rms(order, 8, staff).ok
    rows = {e.kind: e for e in OrderEvent.objects.filter(order=order, user=staff)}
    assert {"confirmed", "cancelled"} <= set(rows) and rows["cancelled"].message == "8 欠品"
