"""The matching engine on plain records: normalisation, reasons, confidences and the one-to-one rule."""

from __future__ import annotations

import pytest

from rakuten_link.assistant.engine import (
    AMBIGUOUS,
    EXACT_CODE,
    HIGH,
    ITEM_CHILD,
    ITEM_OPTIONS,
    JAN,
    LOW,
    MAPPED,
    MEDIUM,
    NAME_OPTIONS,
    NORMALISED_CODE,
    SHARED,
    TAKEN,
    VARIANT_CODE,
    SkuRecord,
    VariantRecord,
    contains_whole,
    propose,
)
from rakuten_link.assistant.normalise import code_key, jan_key, values_signature


@pytest.mark.parametrize("spelling", ["TEE-01-M", "tee01m", "ＴＥＥ－０１－Ｍ", "TEE‐01−M", "TEE ー 01ｰM", "tee_01_m",
                                      "TEE–01—M", " Tee 01 M "])
def test_code_spellings_share_one_key(spelling):
    assert code_key(spelling) == code_key("TEE-01-M") == "tee01m"


def test_different_codes_keep_different_keys():
    assert code_key("TEE-01-M") != code_key("TEE-01-L")
    assert code_key("") == ""


def test_jan_keys():
    assert jan_key("４９０１２３４５６７８９４") == "4901234567894"
    assert jan_key("4901234-567894") == "4901234567894"
    assert jan_key("012345678905") == "0012345678905"  # UPC-A is EAN-13 with a leading 0
    assert jan_key("12345") == "" and jan_key("0000000000000") == "" and jan_key("") == ""


def test_values_signature_ignores_names_order_width_and_case():
    assert values_signature(["Ｍ", "ブラック"]) == values_signature(["ブラック", "m"])


def one(variant, *skus, **kwargs):
    proposals = propose([variant], list(skus), **kwargs)
    return [(p.sku, p.confidence, p.reason, p.conflict) for p in proposals]


def test_exact_merchant_sku_is_high():
    variant = VariantRecord(1, "tee01", "v1", merchant_sku="TEE-01-M")
    assert one(variant, SkuRecord(10, "TEE-01-M"), SkuRecord(11, "TEE-01-L")) == [(10, HIGH, EXACT_CODE, "")]


def test_normalised_merchant_sku_is_high():
    variant = VariantRecord(1, "tee01", "v1", merchant_sku="ｔｅｅ－０１ｰm")
    assert one(variant, SkuRecord(10, "TEE-01-M"), SkuRecord(11, "TEE-01-L")) == [(10, HIGH, NORMALISED_CODE, "")]


def test_exact_code_wins_over_a_normalised_twin():
    variant = VariantRecord(1, "a", "v1", merchant_sku="A-11")
    assert one(variant, SkuRecord(10, "A-11"), SkuRecord(11, "A1-1")) == [(10, HIGH, EXACT_CODE, "")]


def test_a_code_that_fits_two_skus_is_a_conflict():
    variant = VariantRecord(1, "a", "v1", merchant_sku="a11")
    assert one(variant, SkuRecord(10, "A-11"), SkuRecord(11, "A1-1")) == [
        (10, HIGH, NORMALISED_CODE, AMBIGUOUS), (11, HIGH, NORMALISED_CODE, AMBIGUOUS)]


def test_equal_jan_is_high():
    variant = VariantRecord(1, "x", "v1", jan="4901234567894")
    assert one(variant, SkuRecord(10, "Z1", jan="4901234567894"), SkuRecord(11, "Z2")) == [(10, HIGH, JAN, "")]


def test_item_number_and_choice_values_is_high():
    variant = VariantRecord(1, "tee01", "v9", item_number="TEE-01", values=("Ｍ", "ブラック"))
    skus = [SkuRecord(10, "X1", "tee01", values=("ブラック", "M")),
            SkuRecord(11, "X2", "tee01", values=("L", "ブラック"))]
    assert one(variant, *skus) == [(10, HIGH, ITEM_OPTIONS, "")]


def test_single_sku_product_fits_a_variant_without_choices():
    variant = VariantRecord(1, "mug01", "v1", item_number="MUG-01")
    assert one(variant, SkuRecord(10, "M1", "MUG-01", values=("白",))) == [(10, HIGH, ITEM_OPTIONS, "")]


def test_item_number_and_child_number_is_high():
    variant = VariantRecord(1, "tee01", "m-blk", item_number="TEE01")
    assert one(variant, SkuRecord(10, "TEE01-M-BLK")) == [(10, HIGH, ITEM_CHILD, "")]


def test_variant_id_alone_is_medium():
    variant = VariantRecord(1, "shop-item", "abc-123")
    assert one(variant, SkuRecord(10, "ABC123")) == [(10, MEDIUM, VARIANT_CODE, "")]


def test_name_and_options_is_low_never_high():
    variant = VariantRecord(1, "x1", "v1", title="【送料無料】ベーシックTシャツ メンズ 綿100%", values=("M",))
    skus = [SkuRecord(10, "Q1", "P1", "ベーシックTシャツ", values=("M",)),
            SkuRecord(11, "Q2", "P1", "ベーシックTシャツ", values=("L",))]
    assert one(variant, *skus) == [(10, LOW, NAME_OPTIONS, "")]


def test_the_most_specific_name_wins():
    variant = VariantRecord(1, "x1", "v1", title="ベーシックTシャツ ロング")
    skus = [SkuRecord(10, "Q1", "P1", "ベーシックTシャツ"), SkuRecord(11, "Q2", "P2", "ベーシックTシャツ ロング")]
    assert one(variant, *skus) == [(11, LOW, NAME_OPTIONS, "")]


def test_nothing_found_proposes_nothing():
    assert one(VariantRecord(1, "x", "v", merchant_sku="NOPE", title="何か"), SkuRecord(10, "A")) == []


def test_decisive_reasons_that_disagree_make_a_conflict():
    variant = VariantRecord(1, "x", "v", merchant_sku="A", jan="4901234567894")
    skus = [SkuRecord(10, "A"), SkuRecord(11, "B", jan="4901234567894")]
    assert {p[3] for p in one(variant, *skus)} == {AMBIGUOUS}


def test_a_shared_jan_does_not_spoil_an_exact_code():
    variant = VariantRecord(1, "x", "v", merchant_sku="A", jan="4901234567894")
    skus = [SkuRecord(10, "A", jan="4901234567894"), SkuRecord(11, "B", jan="4901234567894")]
    assert one(variant, *skus) == [(10, HIGH, EXACT_CODE, "")]


def test_a_sku_claimed_by_two_variants_is_a_conflict_for_both():
    variants = [VariantRecord(1, "a", "v1", merchant_sku="A"), VariantRecord(2, "b", "v1", merchant_sku="a")]
    proposals = propose(variants, [SkuRecord(10, "A")])
    assert {(p.variant, p.conflict) for p in proposals} == {(1, SHARED), (2, SHARED)}


def test_a_weaker_claim_on_a_sku_yields_to_a_stronger_one():
    variants = [VariantRecord(1, "a", "v1", merchant_sku="A"), VariantRecord(2, "b", "a")]
    proposals = propose(variants, [SkuRecord(10, "A")])
    assert {(p.variant, p.confidence, p.conflict) for p in proposals} == {(1, HIGH, ""), (2, MEDIUM, TAKEN)}


def test_rejected_pairs_are_not_proposed_again():
    variant = VariantRecord(1, "a", "v1", merchant_sku="A", title="ベーシックTシャツ")
    skus = [SkuRecord(10, "A"), SkuRecord(11, "B", "P", "ベーシックTシャツ")]
    assert one(variant, *skus, rejected=[(1, 10)]) == [(11, LOW, NAME_OPTIONS, "")]


def test_a_sku_already_mapped_elsewhere_is_a_conflict():
    variant = VariantRecord(1, "a", "v1", merchant_sku="A")
    assert one(variant, SkuRecord(10, "A"), mapped={10}) == [(10, HIGH, EXACT_CODE, MAPPED)]


def test_pre_sku_choices_are_not_matched_by_their_made_up_variant_id():
    variant = VariantRecord(1, "bag", "abc", pre_sku=True)
    assert one(variant, SkuRecord(10, "ABC"), SkuRecord(11, "BAGABC")) == []


def test_a_lower_level_may_settle_an_ambiguous_one_at_its_own_confidence():
    variant = VariantRecord(1, "cap", "cap-wh", item_number="CAP")
    skus = [SkuRecord(10, "CAP-BK", "CAP"), SkuRecord(11, "CAP-WH", "CAP")]
    assert one(variant, *skus) == [(11, MEDIUM, VARIANT_CODE, "")]


def test_a_lower_level_outside_the_ambiguous_candidates_settles_nothing():
    variant = VariantRecord(1, "cap", "zz", item_number="CAP")
    skus = [SkuRecord(10, "CAP-BK", "CAP"), SkuRecord(11, "CAP-WH", "CAP"), SkuRecord(12, "ZZ")]
    assert {(p[0], p[3]) for p in one(variant, *skus)} == {(10, AMBIGUOUS), (11, AMBIGUOUS)}


def test_a_name_is_not_found_inside_a_longer_number_or_word():
    assert contains_whole("コットンtシャツ0042人気", "コットンtシャツ0042")
    assert not contains_whole("コットンtシャツ1234", "コットンtシャツ1")
    assert not contains_whole("xmugs", "mug")
    assert contains_whole("白いmug2個", "mug")
    variant = VariantRecord(1, "x", "v", title="コットンTシャツ 1234")
    assert one(variant, SkuRecord(10, "A", "P", "コットンTシャツ 1")) == []


def test_a_lower_level_settles_among_more_candidates_than_are_shown():
    variant = VariantRecord(1, "cap", "cap-7", item_number="CAP")
    skus = [SkuRecord(10 + n, f"CAP-{n}", "CAP") for n in range(8)]
    assert one(variant, *skus) == [(17, MEDIUM, VARIANT_CODE, "")]
    assert len(one(VariantRecord(2, "cap", "zz", item_number="CAP"), *skus)) == 5  # at most five shown
