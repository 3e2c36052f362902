"""Event-driven pushes in tests: committed movements (helpers: pushes.py)."""

from __future__ import annotations

import pytest

from inventory.services import apply_stock_movement


@pytest.fixture
def sell(django_capture_on_commit_callbacks):
    """A committed movement, so stock_changed really fires (it is sent after commit)."""

    def move(store, sku, quantity=-1, kind="pos_sale"):
        with django_capture_on_commit_callbacks(execute=True):
            return apply_stock_movement(store=store, sku=sku, kind=kind, quantity=quantity)

    return move
