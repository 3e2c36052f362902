"""Sending listings to the sandbox over HTTP: create, replace, field errors, IE1105, mappings and stock."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from rakuten_link.listing.lookup import listing_for
from rakuten_link.listing.sending import send_listing, withdraw_listing
from rakuten_link.models import Listing, ListingTemplate, ProductMapping
from rakuten_link.sandbox.state.faults import FaultRule
from rakuten_link.sync.clients import client_for
from tests.rakuten_link.sync.inventory.pushes import queued_pushes, run_queued


@pytest.fixture(autouse=True)
def no_pacing(settings):
    settings.RAKUTEN_PUSH_DEBOUNCE_SECONDS = 0
    settings.RAKUTEN_PUSH_PACING_SECONDS = 0


def items(rms, shop="000001"):
    return rms.state.items_of(shop)


def test_every_account_gets_the_template_標準(account):
    template = ListingTemplate.objects.get(account=account, name="標準")
    assert template.title_pattern == "{商品名}"
    assert "{SKU表}" in template.pc_description


def test_a_new_listing_creates_the_item_with_one_variant_per_sku(rms, account, ready_template, make_product):
    listing = listing_for(account, make_product())

    result = send_listing(listing, client_for(account))

    assert result.ok and result.created, result.message
    item = items(rms)["tee01"]
    assert item["title"] == "Tシャツ"
    assert item["genreId"] == "100371"
    assert item["variantSelectors"] == [
        {"key": "opt1", "displayName": "サイズ", "values": [{"displayValue": "M"}, {"displayValue": "L"}]}]
    assert {vid: (v["merchantDefinedSkuId"], v["selectorValues"], v["standardPrice"])
            for vid, v in item["variants"].items()} == {
        "tee01-1": ("TEE01-1", {"opt1": "M"}, "3300"), "tee01-2": ("TEE01-2", {"opt1": "L"}, "3300")}
    listing.refresh_from_db()
    assert listing.status == "listed" and listing.listed_at and listing.errors == {}
    assert listing.sent_json["variants"].keys() == item["variants"].keys()


def test_a_single_sku_product_has_one_variant_and_no_selectors(rms, account, ready_template, make_product):
    listing = listing_for(account, make_product("MUG", options=[{"カラー": "白"}]))
    assert send_listing(listing, client_for(account)).ok
    item = items(rms)["mug"]
    assert "variantSelectors" not in item
    assert list(item["variants"]) == ["mug-1"]


def test_a_later_change_is_a_full_replace(rms, account, ready_template, make_product):
    product = make_product()
    listing = listing_for(account, product)
    client = client_for(account)
    assert send_listing(listing, client).created
    product.price = 2980
    product.save()
    product.skus.create(code="TEE01-3", name="XL", options={"サイズ": "XL"})

    result = send_listing(listing, client)

    assert result.ok and not result.created
    variants = items(rms)["tee01"]["variants"]
    assert sorted(variants) == ["tee01-1", "tee01-2", "tee01-3"]
    assert {v["standardPrice"] for v in variants.values()} == {"2980"}
    assert ProductMapping.objects.filter(account=account, manage_number="tee01").count() == 3


def test_a_withdrawn_product_is_hidden_not_deleted(rms, account, ready_template, make_product):
    listing = listing_for(account, make_product())
    client = client_for(account)
    send_listing(listing, client)

    assert withdraw_listing(listing, client).ok
    assert items(rms)["tee01"]["hideItem"] is True
    assert rms.state.requests("itemapi_2.0.items.delete") == []


def test_rms_field_errors_are_kept_per_field(rms, account, ready_template, make_product):
    ready_template.title_pattern = "{商品名}" + "あ" * 260  # over 255 bytes: our check refuses it first
    ready_template.save()
    listing = listing_for(account, make_product())
    assert not send_listing(listing, client_for(account)).ok
    listing.refresh_from_db()
    assert listing.status == "blocked"  # our own check caught it first: nothing was sent
    assert rms.state.requests("itemapi_2.0.items.upsert") == []

    body = {"errors": [{"code": "IE0002", "message": "genreId is invalid.", "metadata": {"propertyPath": "genreId"}},
                       {"code": "IE0004", "message": "too long", "metadata": {"propertyPath": "variants.tee01-1.x"}}]}
    rms.state.faults.add(FaultRule("itemapi_2.0.items.upsert", 1, status=400, body=body))
    ready_template.title_pattern = "{商品名}"
    ready_template.save()
    result = send_listing(listing, client_for(account))

    listing.refresh_from_db()
    assert not result.ok and listing.status == "error"
    assert listing.errors == {"genre_id": ["IE0002: genreId is invalid. (genreId)"],
                              "variants": ["IE0004: too long (variants.tee01-1.x)"]}
    assert not ProductMapping.objects.exists()


def test_a_shop_not_migrated_to_skus_gets_a_clear_message(rms, account, ready_template, make_product):
    body = {"errors": [{"code": "IE1105", "message": "This endpoint is disabled for the shop not migrated to SKU."}]}
    rms.state.faults.add(FaultRule("itemapi_2.0.items.upsert", 1, status=400, body=body))
    listing = listing_for(account, make_product())

    result = send_listing(listing, client_for(account))

    listing.refresh_from_db()
    assert not result.ok and listing.status == "error"
    assert "IE1105" in result.message and "SKU" in result.message
    assert "tee01" not in items(rms)


def test_an_unknown_outcome_is_read_back_before_sending_again(rms, account, ready_template, make_product):
    rms.state.faults.add(FaultRule("itemapi_2.0.items.upsert", 5, after=True))  # saved, answer lost
    listing = listing_for(account, make_product())
    client = client_for(account, max_retries=0)

    result = send_listing(listing, client)
    listing.refresh_from_db()
    assert not result.ok and listing.status == "sending"
    assert "tee01" in items(rms)

    result = send_listing(listing, client)  # the fault is still armed: a second upsert would be lost too
    assert result.ok, result.message
    assert len(rms.state.requests("itemapi_2.0.items.upsert")) == 1
    assert len(rms.state.requests("itemapi_2.0.items.get")) == 1
    listing.refresh_from_db()
    assert listing.status == "listed"


def test_listing_creates_verified_mappings_and_pushes_the_stock(
    rms, account, ready_template, make_product, set_stock, rakuten_stock
):
    product = make_product()
    store = account.stores.get()
    for quantity, sku in zip((4, 7), product.skus.order_by("code"), strict=True):
        set_stock(store, sku, quantity)
    listing = listing_for(account, product)

    assert send_listing(listing, client_for(account)).ok

    mappings = {(m.variant_id, m.sku.code, m.status, tuple(m.variant_choices.items()))
                for m in ProductMapping.objects.filter(account=account)}
    assert mappings == {("tee01-1", "TEE01-1", "ok", (("サイズ", "M"),)),
                        ("tee01-2", "TEE01-2", "ok", (("サイズ", "L"),))}
    assert queued_pushes() == [account.pk]
    run_queued()
    assert rakuten_stock() == {("tee01", "tee01-1"): 4, ("tee01", "tee01-2"): 7}


def test_list_on_rakuten_command_sends_and_fails_on_a_blocked_product(
    rms, account, ready_template, make_product, capsys
):
    make_product()
    make_product("NOPRICE", price=None)
    with pytest.raises(CommandError) as failure:
        call_command("list_on_rakuten", "TEE01", "NOPRICE", "--account", account.name)
    assert failure.value.returncode == 1
    assert "tee01" in items(rms) and "noprice" not in items(rms)
    assert Listing.objects.get(manage_number="noprice").status == "blocked"
