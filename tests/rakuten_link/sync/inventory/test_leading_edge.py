"""The leading edge: the first stock change after a quiet period is pushed at once; changes during a push or
within the pacing interval after it wait for the next push, which is one call for all of them."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from inventory.services import apply_stock_movement
from rakuten_link.models import InventoryPushMarker
from rakuten_link.rms import RmsClient
from rakuten_link.sync.inventory.pending import pacing_seconds, seconds_until_due
from rakuten_link.tasks import push_after_debounce


@pytest.fixture(autouse=True)
def pacing(settings):
    settings.RAKUTEN_PUSH_DEBOUNCE_SECONDS = 0
    settings.RAKUTEN_PUSH_PACING_SECONDS = 0.6


@pytest.fixture
def sell(django_capture_on_commit_callbacks):
    def move(store, sku, quantity=-1):
        with django_capture_on_commit_callbacks(execute=True):
            return apply_stock_movement(store=store, sku=sku, kind="pos_sale", quantity=quantity)

    return move


@pytest.fixture
def shop(rms, account, make_sku, set_stock, make_mapping):
    store = account.stores.get()
    skus = [make_sku(), make_sku()]
    for index, sku in enumerate(skus):
        set_stock(store, sku, 10)
        make_mapping(account, "tee01", f"tee01-{index}", sku, last_pushed_quantity=10)
    return store, skus


def test_the_first_change_after_a_quiet_period_is_due_at_once(account, shop, sell, rakuten_stock):
    store, (sku, _other) = shop
    sell(store, sku)
    assert seconds_until_due(account.pk) == 0
    started = time.monotonic()
    push_after_debounce(account.pk)
    assert time.monotonic() - started < 0.5  # no debounce: the push ran without waiting
    assert rakuten_stock()[("tee01", "tee01-0")] == 9


def test_a_change_right_after_a_push_waits_for_the_pacing_interval_then_goes(account, shop, sell, rakuten_stock):
    store, (sku, other) = shop
    sell(store, sku)
    push_after_debounce(account.pk)
    sell(store, other, -2)  # within 0.6 s of the push's start
    assert 0.3 < seconds_until_due(account.pk) <= 0.6
    started = time.monotonic()
    push_after_debounce(account.pk)
    assert 0.3 < time.monotonic() - started < 2
    assert rakuten_stock() == {("tee01", "tee01-0"): 9, ("tee01", "tee01-1"): 8}


def test_after_the_pacing_interval_a_change_is_due_at_once_again(account, shop, sell):
    store, (sku, other) = shop
    sell(store, sku)
    push_after_debounce(account.pk)
    InventoryPushMarker.objects.filter(account=account).update(due_at=timezone.now() - timedelta(seconds=5))
    sell(store, other)
    assert seconds_until_due(account.pk) == 0


def test_changes_during_a_push_are_gathered_into_one_next_push(account, shop, sell, rakuten_stock, monkeypatch):
    store, (sku, other) = shop
    sell(store, sku)
    real_upsert = RmsClient.bulk_upsert_inventories
    sizes = []

    def count(self, updates):
        sizes.append(len(updates))
        return real_upsert(self, updates)

    def sales_in_flight(self, updates):
        monkeypatch.setattr(RmsClient, "bulk_upsert_inventories", count)
        for _ in range(3):  # three sales of two SKUs while RMS has not answered yet
            sell(store, sku)
            sell(store, other)
        return count(self, updates)

    monkeypatch.setattr(RmsClient, "bulk_upsert_inventories", sales_in_flight)
    push_after_debounce(account.pk)
    push_after_debounce(account.pk)  # the one task the six sales armed
    assert sizes == [1, 2]  # one call for the first sale, one call for the six that came during it
    assert rakuten_stock() == {("tee01", "tee01-0"): 6, ("tee01", "tee01-1"): 7}


def test_the_pacing_defaults_to_the_inventory_write_rate(settings):
    settings.RAKUTEN_PUSH_PACING_SECONDS = None
    settings.RMS_RATE_LIMITS = {**settings.RMS_RATE_LIMITS, "inventory_write": 1.0}
    assert 1.0 <= pacing_seconds() < 1.1
    settings.RMS_RATE_LIMITS = {**settings.RMS_RATE_LIMITS, "inventory_write": 0}
    assert pacing_seconds() == 0
