"""insert_rows writes what bulk_create writes, whatever the Python types of the values it is given."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from lib.fastwrite import insert_rows
from orders.models import Order, OrderLine, OrderProgress, OrderState, PaymentMethod

SKIP = {"id", "order_number", "fetched_at", "updated_at"}


def _order(account, number: str, method: PaymentMethod, **odd) -> Order:
    return Order(account=account, order_number=number, order_progress=OrderProgress.AWAITING_SHIPMENT,
                 state=OrderState.ALLOCATED, ordered_at=datetime(2026, 12, 1, 9, 30, tzinfo=UTC),
                 buyer_name="佐藤 花子", buyer_email="", settlement_method_code=None, payment_method=method,
                 goods_price=1200, attention_reasons=["short"], raw={"orderNumber": "1-2"}, remarks="", **odd)


@pytest.mark.django_db
def test_plain_and_odd_values_are_written_as_the_orm_writes_them(make_account):
    account = make_account()
    method = PaymentMethod.objects.create(code="card", name="カード")
    # Values of other types than the field's own: each must still go through the field (a bool for an integer,
    # a number for a text, a string for an integer, a choices member, a key as text).
    odd = {"goods_tax": True, "sub_status_name": 42, "postage_price": "350", "sub_status_id": 7,
           "payment_charge": 0, "content_hash": OrderState.NEW}
    insert_rows([_order(account, "lean", method, **odd)])
    Order.objects.bulk_create([_order(account, "orm", method, **odd)])
    lean, orm = (Order.objects.filter(order_number=n).values().get() for n in ("lean", "orm"))
    assert {k: v for k, v in lean.items() if k not in SKIP} == {k: v for k, v in orm.items() if k not in SKIP}
    assert lean["goods_tax"] == 1 and lean["sub_status_name"] == "42" and lean["postage_price"] == 350
    assert lean["payment_method_id"] == method.pk and lean["fetched_at"] is not None


@pytest.mark.django_db
def test_a_row_takes_the_key_of_a_related_object_saved_after_it_was_assigned_and_refuses_an_unsaved_one(
        make_account):
    account = make_account()
    method = PaymentMethod.objects.create(code="card", name="カード")
    order = _order(account, "later", method)
    line = OrderLine(order=order, item_detail_id=1, name="Tシャツ", units=1, price=1000)
    with pytest.raises(ValueError, match="unsaved related object 'order'"):
        insert_rows([line])
    insert_rows([order])
    order.pk = Order.objects.get(order_number="later").pk
    insert_rows([line])
    assert OrderLine.objects.get().order_id == order.pk
    assert line.order is order  # still the object in hand: reading it costs no query


@pytest.mark.django_db
def test_rows_stamped_on_insert_share_one_time_which_the_objects_in_hand_get_too(make_account):
    account = make_account()
    method = PaymentMethod.objects.create(code="card", name="カード")
    orders = [_order(account, f"n{n}", method) for n in range(3)]
    insert_rows(orders)
    stored = set(Order.objects.values_list("fetched_at", "updated_at"))
    assert len(stored) == 1
    assert {(o.fetched_at, o.updated_at) for o in orders} == stored
