"""Proposals stored for an account, accepted into mappings (audited, verified, waiting lines re-matched), rejected."""

from __future__ import annotations

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model

from inventory.models import Product, Sku
from orders.models import OrderState
from rakuten_link.assistant.accept import accept_pairs, high_pairs, reject_pair
from rakuten_link.assistant.models import MappingProposal, RejectedPair
from rakuten_link.assistant.proposals import refresh_proposals
from rakuten_link.models import MappingStatus, ProductMapping


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_user("hanako", password="x", is_staff=True)


@pytest.fixture
def shop(make_account, make_catalogue):
    """Our product TEE-01 (M, L) and a mug; Rakuten: tee01 with codes, bag01 by JAN, a stranger, a mapped one."""
    account = make_account()
    tee = Product.objects.create(code="TEE-01", name="ベーシックTシャツ")
    m = Sku.objects.create(code="TEE-01-M", product=tee, name="M", options={"サイズ": "M"})
    big = Sku.objects.create(code="TEE-01-L", product=tee, name="L", options={"サイズ": "L"})
    mug = Sku.objects.create(code="MUG-9", product=Product.objects.create(code="MUG", name="マグ"), name="マグ",
                             jan_code="4901234567894")
    variants = make_catalogue(account, {
        "tee01": [dict(variant_id="v-m", merchant_sku_id="tee-01-m", selectors={"サイズ": "M"}),
                  dict(variant_id="v-l", merchant_sku_id="TEE-01-L", selectors={"サイズ": "L"})],
        "mug01": [dict(variant_id="mug", jan="4901234567894")],
        "other": [dict(variant_id="x", merchant_sku_id="NOPE")],
    })
    return account, {"m": m, "l": big, "mug": mug}, variants


def test_refresh_counts_per_confidence_and_stores_proposals(shop):
    account, skus, variants = shop
    counts = refresh_proposals(account)
    assert counts.clean["high"] == 3 and counts.unmapped == 4 and counts.without_proposal == 1
    assert counts.reasons == {"normalised_code": 1, "exact_code": 1, "jan": 1}
    assert set(MappingProposal.objects.values_list("variant_id", "sku_id")) == {
        (variants[0].pk, skus["m"].pk), (variants[1].pk, skus["l"].pk), (variants[2].pk, skus["mug"].pk)}


def test_dry_run_stores_nothing(shop):
    account, _skus, _variants = shop
    assert refresh_proposals(account, dry_run=True).clean["high"] == 3
    assert not MappingProposal.objects.exists()


def test_mapped_variants_are_not_proposed(shop):
    account, skus, _variants = shop
    ProductMapping.objects.create(account=account, manage_number="tee01", variant_id="v-m", sku=skus["m"])
    counts = refresh_proposals(account)
    assert counts.unmapped == 3 and counts.clean["high"] == 2


def test_accept_all_high_creates_unchecked_mappings_audited_and_verified(
        shop, staff, django_capture_on_commit_callbacks, monkeypatch):
    account, skus, _variants = shop
    asked = []
    monkeypatch.setattr("rakuten_link.assistant.accept.request_verification", asked.append)
    refresh_proposals(account)
    with django_capture_on_commit_callbacks(execute=True):
        result = accept_pairs(account, high_pairs(account), user=staff, how="一括")
    assert (result.created, result.skipped) == (3, 0)
    rows = set(ProductMapping.objects.values_list("manage_number", "variant_id", "merchant_defined_sku_id", "sku__code",
                                                  "status"))
    assert rows == {("tee01", "v-m", "tee-01-m", "TEE-01-M", MappingStatus.UNCHECKED),
                    ("tee01", "v-l", "TEE-01-L", "TEE-01-L", MappingStatus.UNCHECKED),
                    ("mug01", "mug", "", "MUG-9", MappingStatus.UNCHECKED)}
    assert asked == [account.pk]
    entry = LogEntry.objects.get()
    assert entry.user == staff and "3" in entry.change_message
    assert not MappingProposal.objects.exists()
    # Accepting again changes nothing: the variants are mapped now.
    assert accept_pairs(account, [(_variants[0].pk, skus["m"].pk)], user=staff, how="x").created == 0
    assert ProductMapping.objects.count() == 3


def test_a_sku_claimed_twice_is_not_accepted_in_bulk(shop, make_catalogue):
    account, skus, _variants = shop
    make_catalogue(account, {"tee01b": [dict(variant_id="v-m", merchant_sku_id="TEE-01-M")]})
    refresh_proposals(account)
    assert skus["m"].pk not in {sku for _variant, sku in high_pairs(account)}
    assert set(MappingProposal.objects.filter(sku=skus["m"]).values_list("conflict", flat=True)) == {"shared"}


def test_rejected_pair_is_remembered_and_not_proposed_again(shop, staff):
    account, skus, variants = shop
    refresh_proposals(account)
    assert reject_pair(account, variants[2].pk, skus["mug"].pk, user=staff)
    assert RejectedPair.objects.get().rejected_by == staff
    refresh_proposals(account)
    assert not MappingProposal.objects.filter(variant=variants[2]).exists()
    assert "mug01 / mug" in LogEntry.objects.get().change_message


def test_accepting_rematches_waiting_order_lines(shop, staff, make_order):
    account, skus, variants = shop
    order = make_order(account, lines=[(None, 1)], state=OrderState.NEEDS_ATTENTION)
    order.lines.update(manage_number="tee01", variant_id="v-l", needs_attention=True)
    refresh_proposals(account)
    result = accept_pairs(account, [(variants[1].pk, skus["l"].pk)], user=staff, how="1件")
    assert result.lines == 1
    assert order.lines.get().sku == skus["l"]


def test_a_waiting_line_written_in_upper_case_is_matched_again(shop, staff, make_order):
    account, skus, variants = shop
    order = make_order(account, lines=[(None, 1)], state=OrderState.NEEDS_ATTENTION)
    order.lines.update(manage_number="TEE01", variant_id="v-l", needs_attention=True)
    refresh_proposals(account)
    assert accept_pairs(account, [(variants[1].pk, skus["l"].pk)], user=staff, how="1件").lines == 1


def test_a_mapping_saved_meanwhile_makes_the_acceptance_write_nothing(shop, staff, monkeypatch):
    account, skus, variants = shop
    refresh_proposals(account)
    # Another person saves a mapping of the same variant between our read and our write.
    monkeypatch.setattr("rakuten_link.assistant.accept.mapped_variant_keys", lambda _account: (set(), set()))
    other = Sku.objects.create(code="TEE-01-M2", product=skus["m"].product, name="M")  # not a SKU proposed
    ProductMapping.objects.create(account=account, manage_number="tee01", variant_id="v-m", sku=other)
    result = accept_pairs(account, high_pairs(account), user=staff, how="一括")
    assert result.collided and result.created == 0
    assert ProductMapping.objects.count() == 1 and MappingProposal.objects.count() == 3
