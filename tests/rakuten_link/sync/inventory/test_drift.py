"""Drift check: `rakuten_sync inventory --check [--fix]` reads Rakuten's stock back over HTTP."""

from __future__ import annotations

from django.core.management import call_command

from rakuten_link.models import DriftReport, ProductMapping
from rakuten_link.sync.jobs import run_account_job


def _pushed(account, make_sku, set_stock, make_mapping, count=3):
    store = account.stores.get()
    mappings = []
    for n in range(count):
        sku = make_sku()
        set_stock(store, sku, 5)
        mappings.append(make_mapping(account, f"item{n}", "only", sku))
    assert run_account_job(account, "inventory").status == "success"
    return mappings


def _edit_in_rms(rms, manage_number, variant_id, quantity):
    rms.state.inventory_of("000001")[(manage_number, variant_id)]["quantity"] = quantity


def test_check_reports_hand_edits_and_missing_rows_without_pushing(
    rms, account, make_sku, set_stock, make_mapping, upsert_calls
):
    _pushed(account, make_sku, set_stock, make_mapping)
    _edit_in_rms(rms, "item1", "only", 99)
    del rms.state.inventory_of("000001")[("item2", "only")]

    run = run_account_job(account, "inventory", check=True)

    assert run.status == "success", run.error
    report = DriftReport.objects.get()
    assert (report.checked, report.differing, report.missing, report.fixed) == (3, 2, 1, 0)
    rows = {(r["manage_number"], r["pushed"], r["rakuten"]) for r in report.rows}
    assert rows == {("item1", 5, 99), ("item2", 5, None)}
    assert ProductMapping.objects.get(manage_number="item1").rakuten_quantity == 99
    assert len(upsert_calls()) == 1  # only the initial push
    assert len(rms.state.requests("inventoryapi_2.0.bulk.get")) == 1


def test_fix_pushes_our_quantity_where_rakuten_differs(
    rms, account, make_sku, set_stock, make_mapping, upsert_calls, rakuten_stock
):
    _pushed(account, make_sku, set_stock, make_mapping)
    _edit_in_rms(rms, "item0", "only", 0)

    run = run_account_job(account, "inventory", check=True, fix=True)

    assert run.counts["fixed"] == 1
    assert rakuten_stock()[("item0", "only")] == 5
    assert upsert_calls()[-1]["body"]["inventories"] == [
        {"manageNumber": "item0", "variantId": "only", "mode": "ABSOLUTE", "quantity": 5}
    ]
    assert ProductMapping.objects.get(manage_number="item0").rakuten_quantity == 5


def test_bulk_get_reads_1000_pairs_per_call(rms, account, make_sku, set_stock):
    sku = make_sku()
    set_stock(account.stores.get(), sku, 1)
    ProductMapping.objects.bulk_create(
        ProductMapping(account=account, manage_number=f"i{n:04d}", variant_id="v", sku=sku, status="ok",
                       last_pushed_quantity=1)
        for n in range(1500)
    )
    run = run_account_job(account, "inventory", check=True)
    sizes = [len(c["body"]["inventories"]) for c in rms.state.requests("inventoryapi_2.0.bulk.get")]
    assert sizes == [1000, 500]
    assert run.counts["missing"] == 1500 and len(DriftReport.objects.get().rows) == 500


def test_the_command_runs_the_check(rms, account, make_sku, set_stock, make_mapping, capsys):
    _pushed(account, make_sku, set_stock, make_mapping)
    call_command("rakuten_sync", "inventory", "--check", "--account", account.name)
    assert "0 differ" in capsys.readouterr().out or DriftReport.objects.get().differing == 0
