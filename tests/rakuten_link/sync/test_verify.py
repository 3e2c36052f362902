"""Mapping verification against the sandbox's Item API over HTTP (`rakuten_sync mappings`)."""

from __future__ import annotations

from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone
from django_q.models import OrmQ

from rakuten_link.models import ProductMapping
from rakuten_link.sync.jobs import run_account_job
from tests.rakuten_link.conftest import rakuten_item

TEE = rakuten_item("tee01", {"tee01-s-blk": {"size": "S", "color": "黒"}, "tee01-m-blk": {"size": "M", "color": "黒"},
                             "tee01-m-wht": {"size": "M", "color": "白"}})


def _verify(account):
    run = run_account_job(account, "mappings")
    assert run.status == "success", run.error
    return run


def _get(mapping) -> ProductMapping:
    return ProductMapping.objects.get(pk=mapping.pk)


def test_existing_skus_turn_ok_and_unknown_ones_turn_error(rms, account, seed_items, make_sku, make_mapping):
    seed_items(TEE)
    sku = make_sku()
    ok = make_mapping(account, "tee01", "tee01-m-blk", sku, status="unchecked")
    wrong_case = make_mapping(account, "tee01", "TEE01-M-WHT", sku, status="unchecked")
    no_item = make_mapping(account, "nothing", "x", sku, status="unchecked")

    run = _verify(account)

    assert _get(ok).status == "ok" and _get(ok).merchant_defined_sku_id == "TEE01-M-BLK"
    assert _get(wrong_case).status == "error" and "tee01-m-wht" in _get(wrong_case).status_message
    assert _get(no_item).status == "error" and _get(no_item).status_message == "商品管理番号が存在しません"
    assert all(_get(m).checked_at is not None for m in (ok, wrong_case, no_item))
    calls = rms.state.requests("itemapi_2.0.items.bulk.get")
    assert [sorted(c["body"]["manageNumbers"]) for c in calls] == [["nothing", "tee01"]]
    assert run.counts == {"checked": 3, "ok": 1, "error": 2, "resolved": 0, "calls": 1}


def test_legacy_choice_names_are_resolved_to_the_variant_id(rms, account, seed_items, make_sku, make_mapping):
    seed_items(TEE)
    sku = make_sku()
    legacy = make_mapping(account, "tee01", "", sku, status="unchecked", legacy_h_choice="Ｍ", legacy_v_choice="白")
    swapped = make_mapping(account, "tee01", "", sku, status="unchecked", legacy_h_choice="黒", legacy_v_choice="S")
    unknown = make_mapping(account, "tee01", "", sku, status="unchecked", legacy_h_choice="XL", legacy_v_choice="白")

    _verify(account)

    assert (_get(legacy).status, _get(legacy).variant_id) == ("ok", "tee01-m-wht")
    assert (_get(swapped).status, _get(swapped).variant_id) == ("ok", "tee01-s-blk")
    assert _get(unknown).status == "error" and _get(unknown).variant_id == ""


def test_a_legacy_row_resolving_onto_a_mapped_variant_is_an_error(rms, account, seed_items, make_sku, make_mapping):
    seed_items(TEE)
    make_mapping(account, "tee01", "tee01-m-wht", make_sku())
    legacy = make_mapping(account, "tee01", "", make_sku(), status="unchecked", legacy_h_choice="M",
                          legacy_v_choice="白")
    _verify(account)
    assert _get(legacy).status == "error" and _get(legacy).variant_id == ""


def test_each_run_takes_unchecked_erroneous_and_day_old_mappings_only(
    rms, account, seed_items, make_sku, make_mapping
):
    seed_items(TEE, rakuten_item("cap01", {"cap01": {}}))
    sku = make_sku()
    fresh = make_mapping(account, "cap01", "cap01", sku, checked_at=timezone.now() - timedelta(hours=1))
    old = make_mapping(account, "tee01", "tee01-s-blk", sku, checked_at=timezone.now() - timedelta(hours=25))
    failed = make_mapping(account, "tee01", "tee01-m-blk", sku, status="error", checked_at=timezone.now())
    _verify(account)
    assert _get(fresh).checked_at == fresh.checked_at
    assert _get(old).checked_at > old.checked_at and _get(failed).status == "ok"
    assert [c["body"]["manageNumbers"] for c in rms.state.requests("itemapi_2.0.items.bulk.get")] == [["tee01"]]


def test_manage_numbers_go_50_per_call(rms, account, seed_items, make_sku):
    sku = make_sku()
    seed_items(*(rakuten_item(f"item{n:03d}", {"only": {}}) for n in range(0, 120, 2)))
    ProductMapping.objects.bulk_create(
        ProductMapping(account=account, manage_number=f"item{n:03d}", variant_id="only", sku=sku) for n in range(120)
    )
    run = _verify(account)
    sizes = [len(c["body"]["manageNumbers"]) for c in rms.state.requests("itemapi_2.0.items.bulk.get")]
    assert sizes == [50, 50, 20]
    assert run.counts["ok"] == 60 and run.counts["error"] == 60


def test_an_invalid_stored_number_is_an_error_without_breaking_the_batch(
    rms, account, seed_items, make_sku, make_mapping
):
    seed_items(TEE)
    good = make_mapping(account, "tee01", "tee01-s-blk", make_sku(), status="unchecked")
    bad = make_mapping(account, "tee01", "x", make_sku(), status="unchecked")
    ProductMapping.objects.filter(pk=bad.pk).update(manage_number="tee 01!")
    _verify(account)
    assert _get(good).status == "ok" and _get(bad).status == "error"


def test_a_mapping_turning_green_queues_its_push(rms, account, seed_items, make_sku, make_mapping, settings):
    settings.RAKUTEN_PUSH_DEBOUNCE_SECONDS = 0
    settings.RAKUTEN_PUSH_PACING_SECONDS = 0
    seed_items(TEE)
    make_mapping(account, "tee01", "tee01-s-blk", make_sku(), status="unchecked")
    _verify(account)
    assert [q.task["args"][0] for q in OrmQ.objects.all()] == [account.pk]


def test_the_command_prints_a_summary(rms, account, seed_items, make_sku, make_mapping, capsys):
    seed_items(TEE)
    make_mapping(account, "tee01", "tee01-s-blk", make_sku(), status="unchecked")
    call_command("rakuten_sync", "mappings", "--account", account.name)
    assert "success" in capsys.readouterr().out


def test_each_verified_mapping_keeps_its_variants_choices_by_display_name(
    rms, account, seed_items, make_sku, make_mapping
):
    selectors = [{"key": "size", "displayName": "サイズ", "values": [{"displayValue": "S"}, {"displayValue": "M"}]},
                 {"key": "color", "displayName": "カラー", "values": [{"displayValue": "黒"}, {"displayValue": "白"}]}]
    seed_items(rakuten_item("tee01", {"tee01-s-blk": {"size": "S", "color": "黒"},
                                      "tee01-m-wht": {"size": "M", "color": "白"}}, selectors=selectors),
               rakuten_item("cap01", {"cap01": {}}))
    by_variant = make_mapping(account, "tee01", "tee01-s-blk", make_sku(), status="unchecked")
    legacy = make_mapping(account, "tee01", "", make_sku(), status="unchecked", legacy_h_choice="M",
                          legacy_v_choice="白")
    single = make_mapping(account, "cap01", "cap01", make_sku(), status="unchecked")
    gone = make_mapping(account, "tee01", "tee01-l-blk", make_sku(), status="unchecked",
                        variant_choices={"サイズ": "L"})

    _verify(account)

    assert _get(by_variant).variant_choices == {"サイズ": "S", "カラー": "黒"}
    assert (_get(legacy).variant_id, _get(legacy).variant_choices) == ("tee01-m-wht", {"サイズ": "M", "カラー": "白"})
    assert _get(single).variant_choices == {}  # an item without selectors: known to have no choices
    assert _get(gone).status == "error" and _get(gone).variant_choices is None
