"""Event-driven pushes: a stock movement queues one push per account that sells the SKU, by claiming it."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone
from django_q.models import OrmQ

from rakuten_link.models import InventoryPushClaim, JobLease, PendingInventoryPush, ProductMapping, SyncRun
from rakuten_link.rms import RmsClient
from rakuten_link.sandbox.state.faults import FaultRule
from rakuten_link.sync.inventory import pending
from rakuten_link.tasks import push_pending
from tests.rakuten_link.sync.inventory.pushes import queued_pushes, run_queued


@pytest.fixture(autouse=True)
def no_pacing(settings):
    settings.RAKUTEN_PUSH_DEBOUNCE_SECONDS = 0
    settings.RAKUTEN_PUSH_PACING_SECONDS = 0


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
    run_queued()
    assert rakuten_stock("000001") == {("tee01", "tee01-m"): 7}
    assert rakuten_stock("000002") == {("shirt9", "m"): 7}
    assert not PendingInventoryPush.objects.exists()
    assert not InventoryPushClaim.objects.exclude(claimed_by="").exists()  # both claims released


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

    assert queued_pushes() == [account.pk]  # the first sale claimed the account; the others found it claimed
    run_queued()
    assert len(upsert_calls()) == 1
    assert rakuten_stock() == {("item0", "only"): 8, ("item1", "only"): 9, ("item2", "only"): 9}
    assert queued_pushes() == []


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
    sell(store, sku)  # 9: claims and queues the first push
    real_upsert = RmsClient.bulk_upsert_inventories

    def sale_while_in_flight(self, updates):
        monkeypatch.setattr(RmsClient, "bulk_upsert_inventories", real_upsert)
        sell(store, sku, -4)  # 5: committed after the push read the stock, before RMS answered
        assert queued_pushes() == []  # the push in flight holds the claim: no second task beside it
        return real_upsert(self, updates)

    monkeypatch.setattr(RmsClient, "bulk_upsert_inventories", sale_while_in_flight)
    run_queued()

    mapping.refresh_from_db()
    assert rakuten_stock() == {("tee01", "tee01-m"): 9} and mapping.last_pushed_quantity == 9
    assert PendingInventoryPush.objects.filter(claim="").count() == 1
    assert queued_pushes() == [account.pk]  # the worker that finished the push claimed and queued the next

    run_queued()
    mapping.refresh_from_db()
    assert rakuten_stock() == {("tee01", "tee01-m"): 5} and mapping.last_pushed_quantity == 5


def test_nothing_is_claimed_before_the_debounce_window_has_passed(
    rms, account, make_sku, set_stock, make_mapping, sell, settings
):
    settings.RAKUTEN_PUSH_DEBOUNCE_SECONDS = 30
    sku = make_sku()
    set_stock(account.stores.get(), sku, 3)
    make_mapping(account, "tee01", "tee01-m", sku)
    sell(account.stores.get(), sku)
    assert queued_pushes() == [] and pending.due_accounts() == []
    PendingInventoryPush.objects.update(created_at=timezone.now() - timedelta(seconds=31))  # the window passed
    assert pending.due_accounts() == [account.pk]
    assert pending.claim_and_queue(pending.due_accounts()) == [account.pk]
    assert queued_pushes() == [account.pk]


def test_a_claim_whose_task_was_lost_is_taken_over_when_it_expires(
    rms, account, make_sku, set_stock, make_mapping, sell
):
    sku = make_sku()
    set_stock(account.stores.get(), sku, 9)
    make_mapping(account, "tee01", "tee01-m", sku)
    claim = InventoryPushClaim.objects.create(account=account, claimed_by="queued",
                                              expires_at=timezone.now() + timedelta(seconds=30))
    sell(account.stores.get(), sku)
    assert queued_pushes() == []  # a push is queued and not lost yet: no second one
    claim.expires_at = timezone.now() - timedelta(seconds=1)
    claim.save()
    sell(account.stores.get(), sku)
    assert queued_pushes() == [account.pk]


def test_while_another_inventory_job_runs_nothing_is_queued_and_the_poll_claims_once_it_ends(
    rms, account, make_sku, set_stock, make_mapping, sell, rakuten_stock, upsert_calls
):
    sku = make_sku()
    store = account.stores.get()
    set_stock(store, sku, 10)
    make_mapping(account, "tee01", "tee01-m", sku)
    lease = JobLease.objects.create(account=account, kind="inventory", holder="scheduled",
                                    expires_at=timezone.now() + timedelta(seconds=30))
    for _ in range(4):  # four sales while the scheduled push holds the lease
        sell(store, sku)
    assert queued_pushes() == [] and pending.due_accounts() == []  # no task piles up behind the lease
    lease.delete()  # the scheduled push ends
    assert pending.claim_and_queue(pending.due_accounts()) == [account.pk]
    assert queued_pushes() == [account.pk]
    run_queued()
    assert rakuten_stock() == {("tee01", "tee01-m"): 6} and len(upsert_calls()) == 1
    assert not PendingInventoryPush.objects.exists()


def test_a_push_that_finds_the_lease_taken_returns_at_once_and_leaves_its_skus(
    rms, account, make_sku, set_stock, make_mapping, sell
):
    sku = make_sku()
    set_stock(account.stores.get(), sku, 3)
    make_mapping(account, "tee01", "tee01-m", sku)
    sell(account.stores.get(), sku)  # claimed and queued; then the scheduled push takes the lease first
    JobLease.objects.create(account=account, kind="inventory", holder="scheduled",
                            expires_at=timezone.now() + timedelta(seconds=30))
    started = time.monotonic()
    run_queued()
    assert time.monotonic() - started < 1  # today's task held its worker for up to 90 s here
    assert PendingInventoryPush.objects.filter(account=account, claim="").count() == 1
    assert InventoryPushClaim.objects.get(account=account).claimed_by == ""
    assert queued_pushes() == []  # the poll claims it once the lease is gone


def test_a_failed_push_hands_its_skus_back_and_is_retried_after_a_pause(
    rms, account, make_sku, set_stock, make_mapping, sell, rakuten_stock
):
    sku = make_sku()
    set_stock(account.stores.get(), sku, 3)
    mapping = make_mapping(account, "tee01", "tee01-m", sku, last_pushed_quantity=3)
    sell(account.stores.get(), sku)
    rms.state.faults.add(FaultRule("inventoryapi_2.0.bulk.upsert", 10, 503))
    run_queued()
    assert PendingInventoryPush.objects.filter(claim="").count() == 1
    assert queued_pushes() == [] and pending.due_accounts() == []  # RMS is not asked again at once
    rms.state.faults.clear()
    InventoryPushClaim.objects.filter(account=account).update(next_start_at=timezone.now())  # the pause is over
    assert pending.claim_and_queue(pending.due_accounts()) == [account.pk]
    run_queued()
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


def test_a_killed_push_frees_the_account_once_its_short_lease_and_claim_lapse(
    rms, account, make_sku, set_stock, make_mapping, sell, monkeypatch, settings
):
    """The push holds the lease for RAKUTEN_PUSH_CLAIM_SECONDS, not RAKUTEN_LEASE_SECONDS: a killed one blocks
    briefly."""
    settings.RAKUTEN_PUSH_CLAIM_SECONDS = 3
    sku = make_sku()
    store = account.stores.get()
    set_stock(store, sku, 10)
    make_mapping(account, "tee01", "tee01-m", sku)
    sell(store, sku)
    held = []

    def killed_mid_call(self, updates):
        held.append(JobLease.objects.get(account=account, kind="inventory").expires_at - timezone.now())
        raise KeyboardInterrupt  # stands in for the worker dying here (a SIGKILL runs no cleanup at all)

    monkeypatch.setattr(RmsClient, "bulk_upsert_inventories", killed_mid_call)
    token = OrmQ.objects.get().task["args"][1]
    assert pending.start(account.pk, token) is not None
    with pytest.raises(KeyboardInterrupt):
        from rakuten_link.sync.jobs import run_account_job
        run_account_job(account, "inventory", pending_only=True, lease_seconds=pending.claim_seconds())
    assert timedelta(0) < held[0] <= timedelta(seconds=3)
    # As SIGKILL leaves it: the claim still ours, a lease that its dead heartbeat no longer renews.
    JobLease.objects.create(account=account, kind="inventory", holder="dead",
                            expires_at=timezone.now() + timedelta(seconds=3))
    OrmQ.objects.all().delete()
    sell(store, sku)
    assert queued_pushes() == [] and pending.due_accounts() == []
    lapsed = timezone.now() - timedelta(seconds=0.1)
    JobLease.objects.filter(holder="dead").update(expires_at=lapsed)
    InventoryPushClaim.objects.filter(account=account).update(expires_at=lapsed)
    assert pending.claim_and_queue(pending.due_accounts()) == [account.pk]
    monkeypatch.undo()
    run_queued()
    assert not PendingInventoryPush.objects.exists()
    assert SyncRun.objects.filter(kind="inventory", status="success").exists()


def test_a_task_queued_again_by_staff_claims_afresh_or_does_nothing(
    rms, account, make_sku, set_stock, make_mapping, sell, rakuten_stock
):
    sku = make_sku()
    set_stock(account.stores.get(), sku, 3)
    make_mapping(account, "tee01", "tee01-m", sku)
    sell(account.stores.get(), sku)
    assert "実行しませんでした" in push_pending(account.pk, "an-old-token")  # the queued task holds the claim
    run_queued()
    sell(account.stores.get(), sku)
    OrmQ.objects.all().delete()
    InventoryPushClaim.objects.filter(account=account).update(claimed_by="")  # its task is gone
    push_pending(account.pk, "an-old-token")
    assert rakuten_stock() == {("tee01", "tee01-m"): 1}
