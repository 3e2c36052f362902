"""Pre-SKU order lines (no SkuModelList, choices only in selectedChoice) against mappings made by variantId.

The verification job keeps each mapping's variant choices; the order fetch then matches old lines by
them. Sandbox tests run the real client over HTTP: seed an item, verify, fetch an order.
"""

from __future__ import annotations

import pytest

from inventory.models import StockLevel
from orders.models import OrderLine
from rakuten_link.models import ProductMapping
from rakuten_link.sync.jobs import run_account_job
from rakuten_link.sync.orders.matching import LineMatcher
from tests.rakuten_link.conftest import rakuten_item


def _selector(key: str, name: str, *values: str) -> dict:
    return {"key": key, "displayName": name, "values": [{"displayValue": value} for value in values]}


OLDTEE = rakuten_item("oldtee", {
    "oldtee-gry-s": {"color": "グレー", "size": "S"},
    "oldtee-gry-m": {"color": "グレー", "size": "M"},
    "oldtee-blk-s": {"color": "ブラック", "size": "S"},
}, selectors=[_selector("color", "カラー", "グレー", "ブラック"), _selector("size", "サイズ", "S", "M")])
# Two colours per shirt, upper and lower half: which is which only the names say.
TWOTONE = rakuten_item("twotone", {
    "twotone-wb": {"top": "白", "bottom": "黒"},
    "twotone-bw": {"top": "黒", "bottom": "白"},
}, selectors=[_selector("top", "上", "白", "黒"), _selector("bottom", "下", "白", "黒")])


def _run(account, kind: str):
    run = run_account_job(account, kind)
    assert run.status == "success", run.error
    return run


@pytest.fixture
def old_items(order_shop, seed_items, make_sku, make_mapping):
    """OLDTEE and TWOTONE in the sandbox, mapped here by variantId (unchecked), 10 of each in stock."""
    seed_items(OLDTEE, TWOTONE)
    skus = {}
    for item in (OLDTEE, TWOTONE):
        for variant_id in item["variants"]:
            skus[variant_id] = make_sku(variant_id.upper())
            make_mapping(order_shop.account, item["manageNumber"], variant_id, skus[variant_id], status="unchecked")
            for store in order_shop.account.stores.all():
                StockLevel.objects.create(store=store, sku=skus[variant_id], on_hand=10)
    return skus


def _pre_sku_line(manage_number: str, selected_choice: str, units: int = 1) -> dict:
    return {"manageNumber": manage_number, "selectedChoice": selected_choice, "SkuModelList": [], "units": units}


def test_verification_keeps_each_variants_choices_by_display_name(order_shop, old_items):
    _run(order_shop.account, "mappings")
    stored = dict(ProductMapping.objects.filter(manage_number="oldtee").values_list("variant_id", "variant_choices"))
    assert stored == {
        "oldtee-gry-s": {"カラー": "グレー", "サイズ": "S"},
        "oldtee-gry-m": {"カラー": "グレー", "サイズ": "M"},
        "oldtee-blk-s": {"カラー": "ブラック", "サイズ": "S"},
    }


def test_a_pre_sku_line_is_allocated_to_the_variant_its_choices_name(order_shop, rms_orders, old_items, ledger_check):
    _run(order_shop.account, "mappings")
    number, = rms_orders.create({"PackageModelList": [{"ItemModelList": [
        _pre_sku_line("oldtee", "カラー:グレー\nサイズ:S", units=2),
        _pre_sku_line("oldtee", "カラー：ブラック\nサイズ：Ｓ\nラッピング:希望する"),  # full-width, plus an option
        _pre_sku_line("twotone", "上:黒\n下:白"),
    ]}]})
    sent = rms_orders.get(number)["PackageModelList"][0]["ItemModelList"]
    assert all(item["SkuModelList"] == [] for item in sent)

    _run(order_shop.account, "orders")

    lines = {line.selected_choice: line for line in OrderLine.objects.filter(order__order_number=number)}
    gray = lines["カラー:グレー\nサイズ:S"]
    assert gray.variant_id == "" and gray.sku == old_items["oldtee-gry-s"] and gray.allocated_units == 2
    assert lines["カラー：ブラック\nサイズ：Ｓ\nラッピング:希望する"].sku == old_items["oldtee-blk-s"]
    assert lines["上:黒\n下:白"].sku == old_items["twotone-bw"]
    assert gray.order.state == "allocated" and gray.order.attention_reasons == []
    ledger_check(order_shop.account)


def test_ambiguous_or_incomplete_choices_match_nothing_and_are_flagged(order_shop, rms_orders, old_items):
    _run(order_shop.account, "mappings")
    number, = rms_orders.create({"PackageModelList": [{"ItemModelList": [
        _pre_sku_line("twotone", "上の色:白\n下の色:黒"),  # renamed axes: both variants have 白 and 黒
        _pre_sku_line("oldtee", "カラー:グレー"),  # no size: S or M
    ]}]})
    _run(order_shop.account, "orders")
    lines = OrderLine.objects.filter(order__order_number=number)
    assert [(line.sku, line.needs_attention, line.allocated_units) for line in lines] == [(None, True, 0)] * 2
    order = lines[0].order
    assert order.state == "needs_attention" and order.attention_reasons == ["unmatched_line"]


def test_before_verification_the_same_lines_stay_unmatched(order_shop, rms_orders, old_items):
    rms_orders.create({"PackageModelList": [{"ItemModelList": [_pre_sku_line("oldtee", "カラー:グレー\nサイズ:S")]}]})
    _run(order_shop.account, "orders")
    assert OrderLine.objects.get().sku is None


# --- LineMatcher on its own (no RMS): the rules the sandbox tests rely on --------------------------

def _matcher(*rows) -> LineMatcher:
    """rows: (manage_number, variant_id, h, v, variant_choices, sku_id)."""
    return LineMatcher(rows)


def test_a_line_naming_its_variant_is_never_taken_for_another_with_the_same_choices():
    matcher = _matcher(("tee", "tee-m", "", "", {"サイズ": "M"}, 1))
    assert matcher.match("tee", "", "サイズ:M") == 1
    assert matcher.match("tee", "tee-m-new", "", "サイズ:M") is None


def test_names_and_values_beat_values_alone_and_legacy_mappings_still_match():
    matcher = _matcher(("two", "two-wb", "", "", {"上": "白", "下": "黒"}, 1),
                       ("two", "two-bw", "", "", {"上": "黒", "下": "白"}, 2),
                       ("bag", "", "ブラック", "", None, 3))
    assert matcher.match("two", "", "上:白\n下:黒") == 1
    assert matcher.match("two", "", "上:黒\n下:白") == 2
    assert matcher.match("two", "", "色1:白\n色2:黒") is None
    assert matcher.match("BAG", "", "カラー:ブラック") == 3


def test_a_single_sku_item_verified_without_selectors_takes_its_pre_sku_lines():
    matcher = _matcher(("cap", "cap", "", "", {}, 7), ("hat", "hat", "", "", None, 8))
    assert matcher.match("cap", "", "") == 7 and matcher.match("cap", "", "ラッピング:希望する") == 7
    assert matcher.match("hat", "", "") is None  # not verified yet: nothing is known about it


def test_two_mappings_of_the_same_sku_are_not_ambiguous():
    matcher = _matcher(("set", "set-a", "", "", {"種類": "A"}, 5), ("set", "set-a2", "", "", {"種類": "A"}, 5))
    assert matcher.match("set", "", "種類:A") == 5
