"""The leading edge: the first stock change after a quiet period is queued at once by its own commit; changes
during a push or within the pacing interval after it wait for the next push (queued by rakuten_poll), which is
one call for all of them."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from rakuten_link.models import InventoryPushClaim
from rakuten_link.rms import RmsClient
from rakuten_link.sync.inventory import pending
from rakuten_link.sync.inventory.pending import claim_and_queue, claim_lead_seconds, due_accounts, pacing_seconds
from tests.rakuten_link.sync.inventory.pushes import queued_pushes, run_queued

PACING = 1.0


@pytest.fixture(autouse=True)
def pacing(settings):
    settings.RAKUTEN_PUSH_DEBOUNCE_SECONDS = 0
    settings.RAKUTEN_PUSH_PACING_SECONDS = PACING


@pytest.fixture
def shop(rms, account, make_sku, set_stock, make_mapping):
    store = account.stores.get()
    skus = [make_sku(), make_sku()]
    for index, sku in enumerate(skus):
        set_stock(store, sku, 10)
        make_mapping(account, "tee01", f"tee01-{index}", sku, last_pushed_quantity=10)
    return store, skus


def poll_until_due(account, limit: float = 5.0) -> float:
    """What rakuten_poll does every tick, until it queues the push; returns when it did (time.monotonic)."""
    started = time.monotonic()
    while not claim_and_queue(due_accounts()):
        assert time.monotonic() - started < limit
        time.sleep(0.02)
    return time.monotonic()


def test_the_first_change_after_a_quiet_period_is_queued_at_once(account, shop, sell, rakuten_stock):
    store, (sku, _other) = shop
    sell(store, sku)
    assert queued_pushes() == [account.pk]  # by the movement's own commit, no poll needed
    started = time.monotonic()
    run_queued()
    assert time.monotonic() - started < 0.5  # no debounce: the push ran without waiting
    assert rakuten_stock()[("tee01", "tee01-0")] == 9


def test_a_change_right_after_a_push_waits_for_the_pacing_interval_then_goes(account, shop, sell, rakuten_stock):
    store, (sku, other) = shop
    sell(store, sku)
    before = time.monotonic()
    run_queued()
    after = time.monotonic()
    sell(store, other, -2)  # within the pacing interval after the push's start
    assert queued_pushes() == [] and due_accounts() == []
    queued_at = poll_until_due(account)
    assert before + PACING - claim_lead_seconds() - 0.05 <= queued_at <= after + PACING + 1
    run_queued()
    assert rakuten_stock() == {("tee01", "tee01-0"): 9, ("tee01", "tee01-1"): 8}


def test_after_the_pacing_interval_a_change_is_queued_at_once_again(account, shop, sell):
    store, (sku, other) = shop
    sell(store, sku)
    run_queued()
    InventoryPushClaim.objects.filter(account=account).update(next_start_at=timezone.now() - timedelta(seconds=5))
    sell(store, other)
    assert queued_pushes() == [account.pk]


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
    run_queued()
    assert queued_pushes() == []  # the next push is not due yet: the poll queues it when it is
    poll_until_due(account)
    run_queued()
    assert sizes == [1, 2]  # one call for the first sale, one call for the six that came during it
    assert rakuten_stock() == {("tee01", "tee01-0"): 6, ("tee01", "tee01-1"): 7}


def test_two_push_starts_are_a_pacing_interval_apart(account, shop, sell, monkeypatch):
    store, (sku, other) = shop
    starts = []
    real_upsert = RmsClient.bulk_upsert_inventories

    def note(self, updates):
        starts.append(time.monotonic())
        return real_upsert(self, updates)

    monkeypatch.setattr(RmsClient, "bulk_upsert_inventories", note)
    for _ in range(3):
        sell(store, sku)
        sell(store, other)
        if not run_queued():
            poll_until_due(account)
            run_queued()
    assert len(starts) == 3
    assert min(later - earlier for earlier, later in zip(starts, starts[1:], strict=False)) >= PACING - 0.05


def test_the_pacing_defaults_to_the_inventory_write_rate(settings):
    settings.RAKUTEN_PUSH_PACING_SECONDS = None
    settings.RMS_RATE_LIMITS = {**settings.RMS_RATE_LIMITS, "inventory_write": 1.0}
    assert 1.0 <= pacing_seconds() < 1.1
    settings.RMS_RATE_LIMITS = {**settings.RMS_RATE_LIMITS, "inventory_write": 0}
    assert pacing_seconds() == 0


def test_rakuten_poll_queues_a_push_once_it_is_due_and_reads_only_when_none_is(
    account, shop, sell, django_assert_num_queries
):
    from django.core.management import call_command

    store, (sku, other) = shop
    with django_assert_num_queries(1):  # nothing pending, the usual case: one read
        assert due_accounts() == []
    sell(store, sku)
    run_queued()
    sell(store, other)  # held back by the pacing
    with django_assert_num_queries(2) as queries:  # pending but not due: reads only
        assert due_accounts() == []
    assert all(query["sql"].startswith("SELECT") for query in queries.captured_queries)
    InventoryPushClaim.objects.filter(account=account).update(next_start_at=timezone.now())
    call_command("rakuten_poll", "--once", "--no-schedules")
    assert queued_pushes() == [account.pk]


def test_the_poll_loop_looks_for_due_pushes_between_its_once_a_second_passes(monkeypatch, settings):
    import threading
    from types import SimpleNamespace

    from rakuten_link.management.commands import rakuten_poll

    settings.RAKUTEN_PUSH_POLL_SECONDS = 0.05
    passes, push_passes, stop = [], [], threading.Event()
    monkeypatch.setattr(rakuten_poll, "_pass", lambda *_: passes.append(1))
    monkeypatch.setattr(rakuten_poll, "_push_pass", lambda: push_passes.append(1))
    monkeypatch.setattr(rakuten_poll, "threading", SimpleNamespace(Event=lambda: stop))
    monkeypatch.setattr(rakuten_poll.signal, "signal", lambda *_: None)
    threading.Timer(0.6, stop.set).start()  # stops the loop after 0.6 s
    rakuten_poll.Command().handle(once=False, interval=1.0, no_schedules=True)
    assert len(passes) == 1 and len(push_passes) >= 6


def test_a_push_claimed_within_the_lead_starts_on_its_paced_slot(account, shop, sell, settings, clock):
    """The queue's delay overlaps the pacing: claimed up to the lead early, the task waits only what is left."""
    settings.RAKUTEN_PUSH_CLAIM_LEAD_SECONDS = 0.2
    store, (sku, other) = shop
    sell(store, sku)
    run_queued()
    clock.advance(seconds=5)  # frozen from here: the wait is exactly what is left to the slot
    slot = timezone.now() + timedelta(seconds=0.15)
    InventoryPushClaim.objects.filter(account=account).update(next_start_at=slot)
    sell(store, other)  # 0.15 s before its slot: within the lead, so claimed and queued now
    assert queued_pushes() == [account.pk]
    token = InventoryPushClaim.objects.get(account=account).claimed_by
    wait = pending.start(account.pk, token)
    assert wait == pytest.approx(0.15)
    claim = InventoryPushClaim.objects.get(account=account)
    assert claim.next_start_at == slot + timedelta(seconds=PACING)  # the pacing counts from the slot, not from now


def test_a_push_further_off_than_the_lead_is_not_claimed(account, shop, sell, settings):
    settings.RAKUTEN_PUSH_CLAIM_LEAD_SECONDS = 0.2
    store, (sku, other) = shop
    sell(store, sku)
    run_queued()
    InventoryPushClaim.objects.filter(account=account).update(next_start_at=timezone.now() + timedelta(seconds=0.5))
    sell(store, other)
    assert queued_pushes() == [] and due_accounts() == []


def test_the_lead_defaults_to_the_queue_delay_and_never_exceeds_a_quarter_of_the_pacing(settings):
    settings.RAKUTEN_PUSH_CLAIM_LEAD_SECONDS = None
    settings.RAKUTEN_PUSH_POLL_SECONDS = 0.1
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "orm": "default", "poll": 0.1}
    assert claim_lead_seconds() == pytest.approx(0.2)
    settings.Q_CLUSTER = {key: value for key, value in settings.Q_CLUSTER.items() if key != "orm"}
    assert claim_lead_seconds() == pytest.approx(0.1)  # a Redis broker hands the task over at once
    settings.RAKUTEN_PUSH_CLAIM_LEAD_SECONDS = 5
    assert claim_lead_seconds() == pytest.approx(PACING / 4)


def test_the_next_push_is_paced_from_the_last_rms_call_when_that_left_after_the_slot(account, shop, sell):
    """A push whose call left late (a slow start) moves the next slot on, so two calls never come closer."""
    from rakuten_link.models import ApiCall

    store, (sku, other) = shop
    sell(store, sku)
    run_queued()
    call = ApiCall.objects.order_by("-pk").first()
    sent = call.created_at - timedelta(milliseconds=call.duration_ms)
    slot = InventoryPushClaim.objects.get(account=account).next_start_at
    assert slot >= sent + timedelta(seconds=PACING - 0.001)
