"""Inventory push against the sandbox over HTTP: sellable quantity, batching, bad-row isolation."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from rakuten_link.models import ApiCall, ProductMapping
from rakuten_link.sync.jobs import run_account_job


def _push(account, **options):
    run = run_account_job(account, "inventory", **options)
    assert run.status == "success", run.error
    return run


def test_sellable_is_the_sum_over_bound_stores_minus_safety_stock(
    rms, make_account, make_store, make_sku, set_stock, make_mapping, rakuten_stock
):
    honten, soko, other = make_store(), make_store(), make_store()
    account = make_account(stores=[honten, soko], safety_stock=2)
    shirt, cap, bulk = make_sku(), make_sku(), make_sku()
    for store, qty in ((honten, 5), (soko, 7), (other, 100)):
        set_stock(store, shirt, qty)
        set_stock(store, cap, qty)
    set_stock(honten, bulk, 150_000)
    default = make_mapping(account, "tee01", "tee01-m", shirt)
    own_safety = make_mapping(account, "cap01", "cap01-blk", cap, safety_stock=20)
    capped = make_mapping(account, "bulk01", "bulk01", bulk)

    _push(account)

    assert rakuten_stock() == {("tee01", "tee01-m"): 10, ("cap01", "cap01-blk"): 0, ("bulk01", "bulk01"): 99_999}
    pushed = dict(ProductMapping.objects.values_list("pk", "last_pushed_quantity"))
    assert pushed == {default.pk: 10, own_safety.pk: 0, capped.pk: 99_999}
    body = upsert_body(rms)
    assert {row["mode"] for row in body} == {"ABSOLUTE"}


def upsert_body(rms) -> list[dict]:
    return rms.state.requests("inventoryapi_2.0.bulk.upsert")[-1]["body"]["inventories"]


def test_only_changed_quantities_are_sent_and_unverified_mappings_never(
    rms, account, make_sku, set_stock, make_mapping, upsert_calls
):
    store = account.stores.get()
    skus = [make_sku() for _ in range(3)]
    for n, sku in enumerate(skus):
        set_stock(store, sku, n + 1)
        make_mapping(account, f"item{n}", f"v{n}", sku)
    make_mapping(account, "unchecked", "v9", skus[0], status="unchecked")
    make_mapping(account, "broken", "v8", skus[0], status="error")

    _push(account)
    set_stock(store, skus[1], 42)
    run = _push(account)

    assert [len(call["body"]["inventories"]) for call in upsert_calls()] == [3, 1]
    assert upsert_body(rms) == [{"manageNumber": "item1", "variantId": "v1", "mode": "ABSOLUTE", "quantity": 42}]
    assert run.counts["considered"] == 3 and run.counts["pushed"] == 1
    assert ProductMapping.objects.get(manage_number="unchecked").last_pushed_quantity is None
    pushed_at = ProductMapping.objects.get(manage_number="item1").last_pushed_at
    assert abs((pushed_at - _now()).total_seconds()) < 60


def test_nothing_changed_means_no_call_and_full_pushes_everything(
    rms, account, make_sku, set_stock, make_mapping, upsert_calls
):
    store = account.stores.get()
    for n in range(3):
        sku = make_sku()
        set_stock(store, sku, 4)
        make_mapping(account, f"item{n}", "only", sku)
    _push(account)
    _push(account)
    assert len(upsert_calls()) == 1
    _push(account, full=True)
    assert len(upsert_calls()) == 2 and len(upsert_body(rms)) == 3


def test_batches_hold_at_most_400_rows_and_queries_do_not_grow_per_mapping(
    rms, account, make_sku, set_stock, upsert_calls
):
    store = account.stores.get()
    sku = make_sku()
    set_stock(store, sku, 3)
    ProductMapping.objects.bulk_create(
        ProductMapping(account=account, manage_number=f"item{n:04d}", variant_id="v", sku=sku, status="ok")
        for n in range(1001)
    )
    with CaptureQueriesContext(connection) as small:
        _push(account)
    assert [len(call["body"]["inventories"]) for call in upsert_calls()] == [400, 400, 201]
    assert ApiCall.objects.filter(function="inventoryapi_2.0.bulk.upsert").count() == 3
    # One mapping chunk + one Σ query + one bulk UPDATE per batch, and a fixed overhead: far below 1,001.
    assert len(small.captured_queries) < 40


def test_a_rejected_row_is_isolated_and_the_rest_goes_through(
    rms, account, make_sku, set_stock, make_mapping, rakuten_stock, upsert_calls
):
    store = account.stores.get()
    good = []
    for n in range(5):
        sku = make_sku()
        set_stock(store, sku, n + 10)
        good.append(make_mapping(account, f"item{n}", "only", sku))
    bad = make_mapping(account, "item9", "only", good[0].sku)
    ProductMapping.objects.filter(pk=bad.pk).update(variant_id="bad.id")  # e.g. typed in before validation

    run = _push(account)

    assert rakuten_stock() == {(f"item{n}", "only"): n + 10 for n in range(5)}
    bad.refresh_from_db()
    assert bad.status == "error" and "IE0002" in bad.status_message and bad.last_pushed_quantity is None
    assert all(m.status == "ok" and m.last_pushed_quantity is not None for m in _fresh(good))
    assert [call["status"] for call in upsert_calls()] == [400, 204]
    assert run.counts["rejected"] == 1 and run.counts["pushed"] == 5


def test_an_error_naming_no_row_is_isolated_by_halving(
    rms, account, make_sku, set_stock, make_mapping, rakuten_stock, upsert_calls
):
    # RMS refuses a 401st variant for one manageNumber with IE0121 on "manageNumber", naming no row.
    for n in range(400):
        rms.state.inventory_of("000001")[("big", f"v{n}")] = {
            "manageNumber": "big", "variantId": f"v{n}", "quantity": 1, "created": _now(), "updated": _now(),
        }
    store = account.stores.get()
    mappings = []
    for n in range(7):
        sku = make_sku()
        set_stock(store, sku, 3)
        mappings.append(make_mapping(account, f"item{n}", "only", sku))
    too_many = make_mapping(account, "big", "v400", mappings[0].sku)

    run = _push(account)

    too_many.refresh_from_db()
    assert too_many.status == "error" and "IE0121" in too_many.status_message
    assert all(rakuten_stock()[(f"item{n}", "only")] == 3 for n in range(7))
    assert all(m.last_pushed_quantity == 3 for m in _fresh(mappings))
    assert run.counts["rejected"] == 1
    assert len(upsert_calls()) <= 1 + 2 * 3  # log2(8) levels of halving at most


def test_a_shop_wide_refusal_fails_the_run_without_blaming_rows(rms, account, make_sku, set_stock, make_mapping):
    from rakuten_link.sandbox.state.faults import FaultRule

    body = {"errors": [{"code": "IE1105", "message": "This endpoint is disabled for the shop not migrated to SKU."}]}
    rms.state.faults.add(FaultRule("inventoryapi_2.0.bulk.upsert", 1, 400, body))
    sku = make_sku()
    set_stock(account.stores.get(), sku, 3)
    mapping = make_mapping(account, "item1", "only", sku)

    run = run_account_job(account, "inventory")

    mapping.refresh_from_db()
    assert run.status == "failed" and "IE1105" in run.error
    assert mapping.status == "ok" and mapping.last_pushed_quantity is None


def test_a_failed_batch_keeps_what_earlier_batches_stored(rms, account, make_sku, set_stock, upsert_calls):
    from rakuten_link.sandbox.state.faults import FaultRule

    sku = make_sku()
    set_stock(account.stores.get(), sku, 3)
    ProductMapping.objects.bulk_create(
        ProductMapping(account=account, manage_number=f"item{n:03d}", variant_id="v", sku=sku, status="ok")
        for n in range(500)
    )
    # The first batch goes through; the second meets an outage longer than the client's retries.
    original = rms.state.faults.take

    def outage_after_first(function_id, family):
        if function_id.endswith("bulk.upsert") and len(upsert_calls()) >= 1:
            return FaultRule("*", 1, 503)
        return original(function_id, family)

    rms.state.faults.take = outage_after_first
    run = run_account_job(account, "inventory")
    rms.state.faults.take = original

    assert run.status == "failed"
    assert ProductMapping.objects.filter(last_pushed_quantity=3).count() == 400
    assert _push(account).counts["pushed"] == 100


def _fresh(mappings):
    return [ProductMapping.objects.get(pk=m.pk) for m in mappings]


def _now():
    from django.utils import timezone

    return timezone.now()
