"""Clients that retry at the same moment: each keyed line lands once (the key rows queue on their unique index)."""

from __future__ import annotations

import threading

import pytest
from django.db import close_old_connections, connection

from inventory.models import StockLevel, StockMovement
from tests.api.conftest import ApiClient


@pytest.mark.django_db(transaction=True)
def test_the_same_request_sent_by_four_clients_at_once_moves_stock_once(make_token, make_store, make_sku):
    store, sku = make_store("S01"), make_sku("TEE-M")
    StockLevel.objects.create(store=store, sku=sku, on_hand=100)
    _token, secret = make_token()
    body = {"movements": [{"key": f"line-{i}", "sku": "TEE-M", "store": "S01", "kind": "sale", "quantity": 1}
                          for i in range(10)]}
    threads, answers, errors = 4, [], []
    barrier = threading.Barrier(threads)

    def work():
        try:
            barrier.wait()
            for _ in range(3):
                response = ApiClient(secret).post("/stock/movements", body)
                answers.append((response.status_code, [(r["key"], r["on_hand"]) for r in response.json()["results"]]))
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
    assert StockLevel.objects.get(store=store, sku=sku).on_hand == 90
    assert StockMovement.objects.count() == 10
    assert len(answers) == threads * 3
    assert {(status, tuple(results)) for status, results in answers} == {
        (200, tuple((f"line-{i}", 99 - i) for i in range(10)))}
