"""Concurrent adjustments must serialise on the stock row: none may be lost (PostgreSQL and SQLite)."""

import threading

import pytest
from django.db import close_old_connections, connection

from inventory.models import StockLevel, StockMovement
from inventory.services import apply_stock_movement


@pytest.mark.django_db(transaction=True)
def test_concurrent_adjustments_lose_nothing(make_store, make_sku):
    store, sku = make_store(), make_sku()
    StockLevel.objects.create(store=store, sku=sku, on_hand=100)
    threads, per_thread, errors = 4, 10, []
    barrier = threading.Barrier(threads)

    def work():
        try:
            barrier.wait()
            for _ in range(per_thread):
                apply_stock_movement(store=store, sku=sku, kind="pos_sale", quantity=-1)
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert errors == []
    assert StockLevel.objects.get(store=store, sku=sku).on_hand == 100 - threads * per_thread
    assert StockMovement.objects.count() == threads * per_thread
    assert sorted(StockMovement.objects.values_list("on_hand_after", flat=True)) == list(range(60, 100))
