"""Event-driven pushes: a stock movement queues one debounced push per account that sells the SKU."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone
from django_q.models import OrmQ

from inventory.services import apply_stock_movement
from rakuten_link.models import InventoryPushMarker, JobLease, PendingInventoryPush, ProductMapping
from rakuten_link.rms import RmsClient
from rakuten_link.sandbox.state.faults import FaultRule
from rakuten_link.sync.inventory.pending import PUSH_TASK
from rakuten_link.tasks import push_after_debounce


@pytest.fixture(autouse=True)
def no_debounce(settings):
    settings.RAKUTEN_PUSH_DEBOUNCE_SECONDS = 0
    settings.RAKUTEN_PUSH_PACING_SECONDS = 0


@pytest.fixture
def sell(django_capture_on_commit_callbacks):
    """A committed movement, so stock_changed really fires (it is sent after commit)."""

    def move(store, sku, quantity=-1, kind="pos_sale"):
        with django_capture_on_commit_callbacks(execute=True):
            return apply_stock_movement(store=store, sku=sku, kind=kind, quantity=quantity)

    return move


def queued_pushes() -> list[int]:
    return sorted(q.task["args"][0] for q in OrmQ.objects.all() if q.task.get("func") == PUSH_TASK)


@pytest.fixture
def second_shop(rms, make_account):
    def make(stores):
        rms.state.add_credential("SP000002_two", "SL000002_two", "000002", timezone.now() + timedelta(days=60))
        return make_account("楽天二号店", stores=stores, service_secret="SP000002_two", license_key="SL000002_two")

    return make


def test_a_sale_in_a_shared_store_reaches_both_shops(
    rms, account, second_shop, make_store, make_sku, set_stock, make_mapping, sell, rakuten_stock
):
    shared = account.stores.get()
    other = second_shop([shared, make_store()])
    sku = make_sku()
    set_stock(shared, sku, 10)
    make_mapping(account, "tee01", "tee01-m", sku, last_pushed_quantity=10)
    make_mapping(other, "shirt9", "m", sku, last_pushed_quantity=10)

    sell(shared, sku, -3)

    assert queued_pushes() == sorted([account.pk, other.pk])
    for acct in (account, other):
        push_after_debounce(acct.pk)
    assert rakuten_stock("000001") == {("tee01", "tee01-m"): 7}
    assert rakuten_stock("000002") == {("shirt9", "m"): 7}
    assert not PendingInventoryPush.objects.exists()


def test_a_burst_of_sales_costs_one_task_and_one_call(
    rms, account, make_sku, set_stock, make_mapping, sell, rakuten_stock, upsert_calls
):
    store = account.stores.get()
    skus = [make_sku() for _ in range(3)]
    for n, sku in enumerate(skus):
        set_stock(store, sku, 10)
        make_mapping(account, f"item{n}", "only", sku, last_pushed_quantity=10)
    for sku in (*skus, skus[0]):
        sell(store, sku)

    assert queued_pushes() == [account.pk]
    push_after_debounce(account.pk)
    assert len(upsert_calls()) == 1
    assert rakuten_stock() == {("item0", "only"): 8, ("item1", "only"): 9, ("item2", "only"): 9}


def test_movements_nobody_sells_queue_nothing(
    rms, account, make_account, make_store, make_sku, set_stock, make_mapping, sell
):
    store = account.stores.get()
    unmapped, unverified, switched_off = make_sku(), make_sku(), make_sku()
    make_mapping(account, "item1", "only", unverified, status="unchecked")
    off = make_account(stores=[store], job_push_inventory=False)
    make_mapping(off, "item2", "only", switched_off)
    elsewhere = make_store()
    make_mapping(account, "item3", "only", unmapped)
    for sku in (unmapped, unverified, switched_off):
        set_stock(store, sku, 5)
        set_stock(elsewhere, sku, 5)
        sell(elsewhere, sku)  # item3 is mapped, but not from this store
    sell(store, unverified)
    sell(store, switched_off)

    assert queued_pushes() == []
    assert not PendingInventoryPush.objects.exists()


def test_a_stock_change_during_a_push_is_carried_by_the_next_push(
    rms, account, make_sku, set_stock, make_mapping, sell, rakuten_stock, monkeypatch
):
    store = account.stores.get()
    sku = make_sku()
    set_stock(store, sku, 10)
    mapping = make_mapping(account, "tee01", "tee01-m", sku, last_pushed_quantity=10)
    sell(store, sku)  # 9: queues the first push
    real_upsert = RmsClient.bulk_upsert_inventories

    def sale_while_in_flight(self, updates):
        monkeypatch.setattr(RmsClient, "bulk_upsert_inventories", real_upsert)
        sell(store, sku, -4)  # 5: committed after the push read the stock, before RMS answered
        return real_upsert(self, updates)

    monkeypatch.setattr(RmsClient, "bulk_upsert_inventories", sale_while_in_flight)
    push_after_debounce(account.pk)

    mapping.refresh_from_db()
    assert rakuten_stock() == {("tee01", "tee01-m"): 9} and mapping.last_pushed_quantity == 9
    assert PendingInventoryPush.objects.filter(claim="").count() == 1
    assert len(queued_pushes()) == 2  # the sale during the push armed the marker again

    push_after_debounce(account.pk)
    mapping.refresh_from_db()
    assert rakuten_stock() == {("tee01", "tee01-m"): 5} and mapping.last_pushed_quantity == 5


def test_the_task_waits_out_the_debounce_window(rms, account, make_sku, set_stock, make_mapping, sell, settings):
    settings.RAKUTEN_PUSH_DEBOUNCE_SECONDS = 0.4
    sku = make_sku()
    set_stock(account.stores.get(), sku, 3)
    make_mapping(account, "tee01", "tee01-m", sku)
    sell(account.stores.get(), sku)
    started = time.monotonic()
    push_after_debounce(account.pk)
    assert 0.25 < time.monotonic() - started < 3
    assert InventoryPushMarker.objects.get(account=account).armed_at is None


def test_a_marker_left_armed_by_a_lost_task_is_re_armed(rms, account, make_sku, set_stock, make_mapping, sell):
    sku = make_sku()
    set_stock(account.stores.get(), sku, 3)
    make_mapping(account, "tee01", "tee01-m", sku)
    InventoryPushMarker.objects.create(account=account, armed_at=timezone.now() - timedelta(minutes=5))
    sell(account.stores.get(), sku)
    assert queued_pushes() == [account.pk]


def test_while_another_inventory_job_runs_the_push_waits_for_it(
    rms, account, make_sku, set_stock, make_mapping, sell, rakuten_stock
):
    sku = make_sku()
    set_stock(account.stores.get(), sku, 3)
    make_mapping(account, "tee01", "tee01-m", sku)
    sell(account.stores.get(), sku)
    soon = timezone.now() + timedelta(seconds=0.6)
    JobLease.objects.create(account=account, kind="inventory", holder="x", expires_at=soon)
    started = time.monotonic()
    push_after_debounce(account.pk)
    assert time.monotonic() - started > 0.4
    assert rakuten_stock() == {("tee01", "tee01-m"): 2}


def test_a_push_still_blocked_after_the_wait_is_handed_to_a_new_task(
    rms, account, make_sku, set_stock, make_mapping, sell, monkeypatch
):
    monkeypatch.setattr("rakuten_link.tasks.LEASE_WAIT_SECONDS", 0.2)
    sku = make_sku()
    set_stock(account.stores.get(), sku, 3)
    make_mapping(account, "tee01", "tee01-m", sku)
    sell(account.stores.get(), sku)
    later = timezone.now() + timedelta(seconds=30)
    JobLease.objects.create(account=account, kind="inventory", holder="x", expires_at=later)
    OrmQ.objects.all().delete()
    push_after_debounce(account.pk)
    assert queued_pushes() == [account.pk]
    assert PendingInventoryPush.objects.filter(account=account, claim="").count() == 1


def test_sales_while_a_push_waits_for_the_lease_queue_no_extra_task(
    rms, account, make_sku, set_stock, make_mapping, sell, monkeypatch, rakuten_stock
):
    sku = make_sku()
    store = account.stores.get()
    set_stock(store, sku, 10)
    make_mapping(account, "tee01", "tee01-m", sku)
    sell(store, sku)
    OrmQ.objects.all().delete()
    lease = JobLease.objects.create(account=account, kind="inventory", holder="x",
                                    expires_at=timezone.now() + timedelta(seconds=30))
    real_sleep, sales = time.sleep, []

    def sleep_and_sell(seconds):
        if len(sales) < 3:  # three more sales while the scheduled push holds the lease
            sales.append(sell(store, sku))
        elif len(sales) == 3:
            lease.delete()  # the scheduled push ends
            sales.append(None)
        real_sleep(min(seconds, 0.01))

    monkeypatch.setattr("rakuten_link.tasks.time.sleep", sleep_and_sell)
    push_after_debounce(account.pk)

    assert queued_pushes() == []  # the waiting task took them all: no task piled up behind it
    assert rakuten_stock() == {("tee01", "tee01-m"): 6}
    assert not PendingInventoryPush.objects.exists()


def test_a_failed_push_hands_its_skus_to_the_next_one(
    rms, account, make_sku, set_stock, make_mapping, sell, rakuten_stock
):
    sku = make_sku()
    set_stock(account.stores.get(), sku, 3)
    mapping = make_mapping(account, "tee01", "tee01-m", sku, last_pushed_quantity=3)
    sell(account.stores.get(), sku)
    rms.state.faults.add(FaultRule("inventoryapi_2.0.bulk.upsert", 10, 503))
    push_after_debounce(account.pk)
    assert PendingInventoryPush.objects.filter(claim="").count() == 1
    rms.state.faults.clear()
    push_after_debounce(account.pk)
    mapping.refresh_from_db()
    assert rakuten_stock() == {("tee01", "tee01-m"): 2} and mapping.last_pushed_quantity == 2
    assert not PendingInventoryPush.objects.exists()


def test_the_scheduled_push_also_clears_pending_skus(rms, account, make_sku, set_stock, make_mapping, sell):
    from rakuten_link.sync.jobs import run_account_job

    sku = make_sku()
    set_stock(account.stores.get(), sku, 3)
    make_mapping(account, "tee01", "tee01-m", sku)
    sell(account.stores.get(), sku)
    assert run_account_job(account, "inventory").status == "success"
    assert not PendingInventoryPush.objects.exists()
    assert ProductMapping.objects.get().last_pushed_quantity == 2
