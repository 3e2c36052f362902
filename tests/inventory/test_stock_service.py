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


def test_a_batch_is_all_or_nothing(make_store, make_sku, set_stock):
    from inventory.services import MovementSpec, apply_stock_movements

    store, a, b = make_store(), make_sku(), make_sku()
    set_stock(store, a, 5)
    specs = [MovementSpec(store, a, "pos_sale", -2), MovementSpec(store, b, "pos_sale", -1)]
    with pytest.raises(StockError, match=b.code):
        apply_stock_movements(specs)
    assert StockLevel.objects.get(store=store, sku=a).on_hand == 5
    assert not StockMovement.objects.exists()


def test_a_batch_costs_a_constant_number_of_queries(make_store, make_sku, set_stock, django_assert_max_num_queries):
    from inventory.services import MovementSpec, apply_stock_movements

    store = make_store()
    skus = [make_sku() for _ in range(30)]
    for sku in skus:
        set_stock(store, sku, 10)
    specs = [MovementSpec(store, sku, "order_allocation", -1, idempotency_key=f"k{sku.pk}") for sku in skus]
    with django_assert_max_num_queries(8):
        moved = apply_stock_movements(specs)
    assert [m.on_hand_after for m in moved] == [9] * 30
    again = apply_stock_movements(specs)
    assert [m.pk for m in again] == [m.pk for m in StockMovement.objects.order_by("id")]
    assert set(StockLevel.objects.values_list("on_hand", flat=True)) == {9}


def test_movements_in_one_batch_see_each_other(make_store, make_sku, set_stock):
    from inventory.services import MovementSpec, apply_stock_movements

    store, sku = make_store(), make_sku()
    set_stock(store, sku, 3)
    moved = apply_stock_movements([MovementSpec(store, sku, "pos_sale", -2), MovementSpec(store, sku, "receipt", 4)])
    assert [m.on_hand_after for m in moved] == [1, 5]
    assert StockLevel.objects.get(store=store, sku=sku).on_hand == 5


def test_a_batch_without_returning_moves_the_same_stock(make_store, make_sku, set_stock):
    from inventory.services import MovementSpec, apply_stock_movements

    store, sku = make_store(), make_sku()
    set_stock(store, sku, 4)
    specs = [MovementSpec(store, sku, "order_allocation", -3, reference="R1", idempotency_key="once")]
    apply_stock_movements(specs, returning=False)
    apply_stock_movements(specs, returning=False)
    movement = StockMovement.objects.get()
    assert (movement.quantity, movement.on_hand_after, movement.reference, movement.kind) == (
        -3, 1, "R1", "order_allocation"
    )
    assert movement.created_at is not None
    assert StockLevel.objects.get(store=store, sku=sku).on_hand == 1


def test_a_refusal_names_the_store_as_staff_know_it(make_store, make_sku, set_stock):
    store, sku = make_store("S01", "渋谷店"), make_sku("HASHI01")
    set_stock(store, sku, 1)
    with pytest.raises(StockError) as refused:
        apply_stock_movement(store=store, sku=sku, kind="pos_sale", quantity=-2)
    assert "渋谷店" in str(refused.value) and "S01" not in str(refused.value) and "HASHI01" in str(refused.value)
