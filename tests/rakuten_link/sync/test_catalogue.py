"""The `catalogue` job over HTTP against the sandbox: full pull, resume after a failure, a second pull."""

from __future__ import annotations

import math

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from rakuten_link.models import ApiCall, CatalogueItem, CataloguePull, CatalogueVariant, SyncRun
from rakuten_link.sandbox.api.items import store_item
from rakuten_link.sandbox.state.big_catalogue import build_catalogue
from rakuten_link.sandbox.state.seed import seed_catalogue
from tests.support.rms_stub import control

SHOP = "000001"
SEARCH, BULK_GET, STOCK = "itemapi_2.0.items.search", "itemapi_2.0.items.bulk.get", "inventoryapi_2.0.bulk.get"


def _seed(rms, variants: int):
    catalogue = build_catalogue(variants=variants, seed=7)
    seed_catalogue(rms.state, catalogue, shop=SHOP)
    rms.state.clear_requests()
    return catalogue


@pytest.fixture
def shop(rms):
    return _seed(rms, 700)


@pytest.fixture
def big_shop(rms):
    return _seed(rms, 2500)


def _pull(account, *, fails: bool = False) -> SyncRun:
    if fails:
        with pytest.raises(CommandError):
            call_command("rakuten_sync", "catalogue", "--account", account.name)
    else:
        call_command("rakuten_sync", "catalogue", "--account", account.name)
    return SyncRun.objects.filter(account=account, kind="catalogue").first()


def _calls(rms, function: str) -> int:
    return len(rms.state.requests(function))


def _minimum(items: int, variants: int, fresh: int = 0) -> dict[str, int]:
    return {SEARCH: math.ceil(items / 100), BULK_GET: math.ceil(fresh / 50), STOCK: math.ceil(variants / 1000)}


def test_a_full_pull_mirrors_every_item_and_variant_with_the_minimum_calls(rms, account, shop):
    run = _pull(account)

    assert run.status == "success", run.error
    sku_era = [key for key, kind in shop.kinds.items() if kind != "pre_sku"]
    assert {k: _calls(rms, k) for k in (SEARCH, BULK_GET, STOCK)} == _minimum(len(shop.items), len(sku_era))
    assert ApiCall.objects.filter(sync_run=run).count() == sum(_minimum(len(shop.items), len(sku_era)).values())
    rows = {(v.item.manage_number, v.variant_id): v for v in CatalogueVariant.objects.select_related("item")}
    assert set(rows) == set(shop.truth)
    assert all(rows[key].quantity == quantity for key, quantity in shop.quantities.items())
    pre_sku = [rows[key] for key, kind in shop.kinds.items() if kind == "pre_sku"]
    assert pre_sku and all(v.pre_sku and v.quantity is None and set(v.selectors) <= {"カラー", "サイズ"}
                           for v in pre_sku)
    assert all(v.variant_id == "×".join([v.selectors.get("カラー", ""), v.selectors.get("サイズ", "")])
               for v in pre_sku)
    jan = [rows[key] for key, kind in shop.kinds.items() if kind == "jan"]
    assert jan and all(len(v.jan) == 13 and v.merchant_sku_id == "" for v in jan)
    hidden = {i["manageNumber"] for i in shop.items if i["hideItem"]}
    assert set(CatalogueItem.objects.filter(hidden=True).values_list("manage_number", flat=True)) == hidden
    first = shop.items[0]
    item = CatalogueItem.objects.get(manage_number=first["manageNumber"])
    assert (item.title, item.item_number, item.genre_id) == (first["title"], first["itemNumber"], "551177")
    assert item.price is not None and item.rms_updated_at is not None and item.gone_at is None
    assert run.counts["items"] == len(shop.items) and run.counts["variants"] == len(shop.truth)


def test_a_failed_pull_resumes_from_its_cursor(rms, account, big_shop):
    shop = big_shop
    control(rms, "POST", "faults", {"function": SEARCH, "count": 1, "status": 400, "skip": 3})

    failed = _pull(account, fails=True)

    assert failed.status == "failed"
    state = CataloguePull.objects.get(account=account)
    assert state.phase == "items" and state.cursor_mark not in ("", "*") and state.done == 300
    resumed = _pull(account)
    assert resumed.status == "success", resumed.error
    assert resumed.counts["resumed"] == 1
    pages = math.ceil(len(shop.items) / 100)
    assert resumed.counts["searches"] == pages - 3
    assert _calls(rms, SEARCH) == pages + 1  # the refused call is the only one made twice
    assert CatalogueVariant.objects.filter(gone_at__isnull=True).count() == len(shop.truth)
    assert CatalogueItem.objects.filter(gone_at__isnull=False).count() == 0


def test_a_second_pull_marks_a_gone_item_and_adds_a_new_variant(rms, account, shop):
    _pull(account)
    rms.state.clear_requests()
    items = rms.state.items_of(SHOP)
    gone = next(mn for mn, item in items.items() if len(item.get("variants") or {}) > 1)
    gone_variants = set(items[gone]["variants"])
    control_delete = items.pop(gone)
    changed = next(mn for mn, item in items.items()
                   if len(item.get("variants") or {}) == 1 and "variantSelectors" not in item)
    body = {k: v for k, v in items[changed].items() if k not in ("created", "updated")}
    body["variantSelectors"] = [{"key": "size", "displayName": "サイズ",
                                 "values": [{"displayValue": "F"}, {"displayValue": "XXL"}]}]
    old_id = next(iter(body["variants"]))
    body["variants"] = {old_id: {**body["variants"][old_id], "selectorValues": {"size": "F"}},
                        "new-xxl": {"merchantDefinedSkuId": "NEW-XXL", "selectorValues": {"size": "XXL"},
                                    "standardPrice": "1000"}}
    store_item(rms.state, SHOP, changed, body, timezone.localtime())

    run = _pull(account)

    assert run.status == "success", run.error
    assert control_delete and run.counts["gone_items"] == 1
    item = CatalogueItem.objects.get(manage_number=gone)
    assert item.gone_at is not None
    assert set(item.variants.filter(gone_at__isnull=False).values_list("variant_id", flat=True)) == gone_variants
    new = CatalogueVariant.objects.get(item__manage_number=changed, variant_id="new-xxl")
    assert (new.merchant_sku_id, new.selectors, new.gone_at) == ("NEW-XXL", {"サイズ": "XXL"}, None)
    assert [sorted(c["body"]["manageNumbers"]) for c in rms.state.requests(BULK_GET)] == [[changed]]
    sku_era = sum(1 for key, kind in shop.kinds.items() if kind != "pre_sku") - len(gone_variants) + 1
    assert {k: _calls(rms, k) for k in (SEARCH, BULK_GET, STOCK)} == _minimum(len(shop.items) - 1, sku_era, 1)
    assert CatalogueItem.objects.count() == len(shop.items)  # nothing deleted


def test_a_gone_variant_turns_its_mapping_to_error_and_keeps_it(rms, account, shop, make_sku, make_mapping):
    _pull(account)
    items = rms.state.items_of(SHOP)
    multi = next(mn for mn, item in items.items() if len(item.get("variants") or {}) > 1)
    dropped, kept = list(items[multi]["variants"])[:2]
    legacy = next(mn for mn, item in items.items() if "legacyChoices" in item)
    choice = items[legacy]["legacyChoices"]["choices"][0]
    sku = make_sku()
    gone_mapping = make_mapping(account, multi, dropped, sku)
    kept_mapping = make_mapping(account, multi, kept, make_sku())
    legacy_mapping = make_mapping(account, legacy, "", make_sku(), legacy_h_choice=choice["h"],
                                  legacy_v_choice=choice["v"])
    body = {k: v for k, v in items[multi].items() if k not in ("created", "updated")}
    del body["variants"][dropped]
    store_item(rms.state, SHOP, multi, body, timezone.localtime())
    del items[legacy]  # the whole pre-SKU item is gone

    run = _pull(account)

    assert run.status == "success", run.error
    for mapping in (gone_mapping, legacy_mapping):
        mapping.refresh_from_db()
        assert mapping.status == "error" and "楽天" in mapping.status_message
    kept_mapping.refresh_from_db()
    assert kept_mapping.status == "ok"
    assert CatalogueVariant.objects.get(item__manage_number=multi, variant_id=dropped).gone_at is not None


def test_the_catalogue_is_pulled_daily(db):
    from django_q.models import Schedule

    call_command("setup_schedules")
    schedule = Schedule.objects.get(name="rakuten: pull catalogue")
    assert (schedule.schedule_type, schedule.args) == (Schedule.DAILY, "'catalogue'")


def test_an_item_migrated_to_skus_hands_its_legacy_mappings_to_the_verify_job(rms, account, shop, make_sku,
                                                                              make_mapping):
    _pull(account)
    items = rms.state.items_of(SHOP)
    legacy = next(mn for mn, item in items.items()
                  if "legacyChoices" in item and all(c["h"] and c["v"] for c in item["legacyChoices"]["choices"]))
    choices = items[legacy]["legacyChoices"]["choices"]
    mapping = make_mapping(account, legacy, "", make_sku(), legacy_h_choice=choices[0]["h"],
                           legacy_v_choice=choices[0]["v"])
    colors, sizes = list(dict.fromkeys(c["h"] for c in choices)), list(dict.fromkeys(c["v"] for c in choices))
    migrated = {
        "title": items[legacy]["title"], "itemNumber": items[legacy]["itemNumber"], "itemType": "NORMAL",
        "variantSelectors": [
            {"key": "color", "displayName": "カラー", "values": [{"displayValue": c} for c in colors]},
            {"key": "size", "displayName": "サイズ", "values": [{"displayValue": s} for s in sizes]}],
        "variants": {f"r-sku{n:08d}": {"selectorValues": {"color": c["h"], "size": c["v"]}, "standardPrice": "1000"}
                     for n, c in enumerate(choices, start=1)},
    }
    store_item(rms.state, SHOP, legacy, migrated, timezone.localtime())

    assert _pull(account).status == "success"

    mapping.refresh_from_db()
    assert mapping.status == "ok" and mapping.checked_at is None  # not an error: re-checked first
    live = CatalogueVariant.objects.filter(item__manage_number=legacy, gone_at__isnull=True)
    assert sorted(live.values_list("variant_id", flat=True)) == sorted(migrated["variants"])
    call_command("rakuten_sync", "mappings", "--account", account.name)
    mapping.refresh_from_db()
    assert (mapping.status, mapping.variant_id) == ("ok", "r-sku00000001")
