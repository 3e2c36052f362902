import pytest
from django.db import IntegrityError

from inventory.models import StockLevel, StockMovement
from inventory.services import StockError, apply_stock_movement, set_stock_count
from inventory.signals import stock_changed


def test_a_movement_changes_on_hand_and_writes_the_ledger(make_store, make_sku):
    store, sku = make_store(), make_sku()
    apply_stock_movement(store=store, sku=sku, kind="adjustment", quantity=5, note="入荷")
    movement = apply_stock_movement(store=store, sku=sku, kind="pos_sale", quantity=-2)

    assert StockLevel.objects.get(store=store, sku=sku).on_hand == 3
    assert movement.on_hand_after == 3
    assert list(StockMovement.objects.order_by("id").values_list("kind", "quantity")) == [
        ("adjustment", 5),
        ("pos_sale", -2),
    ]


def test_it_refuses_a_movement_that_would_go_negative_and_changes_nothing(make_store, make_sku, set_stock):
    store, sku = make_store(), make_sku()
    set_stock(store, sku, 1)
    with pytest.raises(StockError, match=sku.code):
        apply_stock_movement(store=store, sku=sku, kind="pos_sale", quantity=-2)
    assert StockLevel.objects.get(store=store, sku=sku).on_hand == 1
    assert not StockMovement.objects.exists()


def test_an_idempotency_key_moves_stock_once(make_store, make_sku, set_stock):
    store, sku = make_store(), make_sku()
    set_stock(store, sku, 10)
    first = apply_stock_movement(store=store, sku=sku, kind="order_allocation", quantity=-3, idempotency_key="k1")
    again = apply_stock_movement(store=store, sku=sku, kind="order_allocation", quantity=-3, idempotency_key="k1")
    assert first.pk == again.pk
    assert StockLevel.objects.get(store=store, sku=sku).on_hand == 7


def test_on_hand_cannot_be_negative_even_outside_the_service(make_store, make_sku):
    with pytest.raises(IntegrityError):
        StockLevel.objects.create(store=make_store(), sku=make_sku(), on_hand=-1)


def test_a_count_records_only_the_difference(make_store, make_sku, set_stock):
    store, sku = make_store(), make_sku()
    set_stock(store, sku, 4)
    movement = set_stock_count(store=store, sku=sku, counted=9)
    assert movement.quantity == 5
    assert set_stock_count(store=store, sku=sku, counted=9) is None


def test_unknown_kind_is_refused(make_store, make_sku):
    with pytest.raises(StockError):
        apply_stock_movement(store=make_store(), sku=make_sku(), kind="magic", quantity=1)


def test_stock_changed_is_sent_after_commit(make_store, make_sku, django_capture_on_commit_callbacks):
    store, sku = make_store(), make_sku()
    received = []

    def listener(sender, sku_ids, store_ids, **kwargs):
        received.append((sku_ids, store_ids))

    stock_changed.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            apply_stock_movement(store=store, sku=sku, kind="adjustment", quantity=1)
    finally:
        stock_changed.disconnect(listener)
    assert received == [({sku.pk}, {store.pk})]
