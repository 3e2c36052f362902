"""The demo shop end to end: its mappings verify against the demo sandbox, and an admin adjustment reaches it."""

from __future__ import annotations

from inventory.models import StockLevel
from rakuten_link.demo import load_demo_data
from rakuten_link.mappings.rules import effective_safety_stock, sellable_quantity
from rakuten_link.sync.jobs import run_account_job
from tests.rakuten_link.sync.inventory.pushes import queued_pushes, run_queued


def _sellable(mapping) -> int:
    stores = mapping.account.stores.all()
    on_hand = sum(level.available for level in StockLevel.objects.filter(sku=mapping.sku, store__in=stores))
    return sellable_quantity(on_hand, effective_safety_stock(mapping.safety_stock, mapping.account.safety_stock))


def test_the_demo_account_is_verified_and_its_stock_pushed(db, rms, rakuten_stock):
    rms.reset("demo")
    account = load_demo_data()
    assert run_account_job(account, "mappings").status == "success"
    assert account.product_mappings.count() > 50
    assert not account.product_mappings.exclude(status="ok").exists()
    assert run_account_job(account, "inventory").status == "success"
    held = rakuten_stock()
    for mapping in account.product_mappings.select_related("sku", "account"):
        assert held[(mapping.manage_number, mapping.variant_id)] == _sellable(mapping) == mapping.last_pushed_quantity


def test_an_admin_adjustment_reaches_the_sandbox(
    rms, rakuten_stock, admin_client, settings, django_capture_on_commit_callbacks
):
    settings.RAKUTEN_PUSH_DEBOUNCE_SECONDS = 0
    settings.RAKUTEN_PUSH_PACING_SECONDS = 0
    rms.reset("demo")
    account = load_demo_data()
    run_account_job(account, "mappings")  # queues the first push of the newly verified mappings
    assert queued_pushes() == [account.pk]
    run_queued()
    mapping = account.product_mappings.select_related("sku", "account").get(variant_id="tee01-m-blk")
    before = rakuten_stock()[("tee01", "tee01-m-blk")]

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post("/admin/inventory/stocklevel/adjust/", {
            "store": account.stores.order_by("code").first().pk, "sku": mapping.sku.pk, "quantity": 5,
        })
    assert response.status_code == 302
    assert queued_pushes() == [account.pk]
    run_queued()
    assert rakuten_stock()[("tee01", "tee01-m-blk")] == _sellable(mapping) == before + 5
