"""The every-minute inventory run looks only at what changed since its last run; the hourly one at everything.

Against the sandbox over HTTP, with a frozen clock so that "since the last run" is minutes, not microseconds.
"""

from __future__ import annotations

import pytest

from inventory.models import StockLevel
from rakuten_link.models import ProductMapping
from rakuten_link.sandbox.state.faults import FaultRule
from rakuten_link.schedules import SCHEDULES
from rakuten_link.sync.jobs import run_account_job
from tests.support.clock import clock  # noqa: F401  (fixture)


def _push(account, **options):
    run = run_account_job(account, "inventory", **options)
    assert run.status == "success", run.error
    return run


@pytest.fixture
def shop(clock, rms, account, make_sku, set_stock, make_mapping):  # noqa: F811
    """Three mapped SKUs pushed by a first run (it compares everything), a second run that still looks at what
    was written within OVERLAP before the first began, then quiet time: from here on nothing has changed."""
    store = account.stores.get()
    skus = [make_sku() for _ in range(3)]
    for n, sku in enumerate(skus):
        set_stock(store, sku, n + 1)
        make_mapping(account, f"item{n}", f"v{n}", sku)
    first = _push(account)
    assert first.counts["considered"] == 3 and first.counts["pushed"] == 3
    clock.advance(minutes=30)
    assert _push(account).counts["pushed"] == 0
    clock.advance(minutes=30)
    return store, skus


def test_a_changed_sku_is_pushed_and_only_it_is_looked_at(shop, account, set_stock, rakuten_stock, upsert_calls):
    store, skus = shop
    set_stock(store, skus[1], 42)
    run = _push(account)
    assert [len(call["body"]["inventories"]) for call in upsert_calls()] == [3, 1]
    assert rakuten_stock()[("item1", "v1")] == 42
    assert ProductMapping.objects.get(manage_number="item1").last_pushed_quantity == 42
    assert run.counts["considered"] == 1 and run.counts["pushed"] == 1


def test_an_unchanged_shop_makes_no_rms_call_and_looks_at_no_mapping(shop, account, upsert_calls):
    run = _push(account)
    assert len(upsert_calls()) == 1  # the first run's only
    assert run.counts["considered"] == 0


def test_a_mapping_edited_since_is_looked_at(shop, account, rakuten_stock):
    mapping = ProductMapping.objects.get(manage_number="item2")
    mapping.safety_stock = 1
    mapping.save()
    run = _push(account)
    assert run.counts["considered"] == 1 and rakuten_stock()[("item2", "v2")] == 2


def test_a_new_safety_stock_on_the_account_makes_the_run_compare_everything(shop, account, rakuten_stock):
    account.safety_stock = 1
    account.save()
    run = _push(account)
    assert run.counts["considered"] == 3
    assert [rakuten_stock()[(f"item{n}", f"v{n}")] for n in range(3)] == [0, 1, 2]


def test_the_hourly_comparison_fixes_what_the_minute_run_cannot_see(shop, account, rakuten_stock, upsert_calls):
    store, skus = shop
    StockLevel.objects.filter(store=store, sku=skus[0]).update(on_hand=9)  # a write that left no trace in time
    assert _push(account).counts["considered"] == 0 and len(upsert_calls()) == 1
    run = _push(account, compare_all=True)
    assert run.counts["considered"] == 3 and run.counts["pushed"] == 1
    assert rakuten_stock()[("item0", "v0")] == 9


def test_a_failed_run_leaves_its_changes_to_the_next(shop, account, set_stock, rms, rakuten_stock):
    store, skus = shop
    set_stock(store, skus[2], 7)
    rms.state.faults.add(FaultRule("inventoryapi_2.0.bulk.upsert", 10, 503))
    assert run_account_job(account, "inventory").status == "failed"
    rms.state.faults.clear()
    _push(account)
    assert rakuten_stock()[("item2", "v2")] == 7


def test_the_full_comparison_is_scheduled_hourly_apart_from_the_minute_run():
    by_name = {spec.name: spec for spec in SCHEDULES}
    minute = by_name["rakuten: push inventory"]
    hourly = [spec for spec in SCHEDULES if spec.kind == "inventory" and spec.kwargs == "compare_all=True"]
    assert minute.minutes == 1 and minute.kwargs == ""
    assert len(hourly) == 1 and hourly[0].minutes == 60
    assert hourly[0].offset is not None and hourly[0].offset[1] != minute.offset[1]
