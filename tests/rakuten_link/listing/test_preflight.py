"""The pre-flight check: prohibited words in every field, and RMS's structural rules at and past each limit."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from inventory.models import Product, Sku
from rakuten_link.listing import preflight
from rakuten_link.listing.draft import build_draft
from rakuten_link.listing.lookup import listing_for
from rakuten_link.listing.preflight import check_draft
from rakuten_link.listing.sending import check_listing


def findings(listing, words=()):
    return check_draft(build_draft(listing), list(words))


def fields_of(found):
    return [f.field for f in found]


def test_a_clean_listing_has_no_finding(account, ready_template, make_product):
    assert findings(listing_for(account, make_product())) == []


def test_prohibited_words_are_found_in_every_field_with_their_context(account, ready_template, make_product):
    ready_template.tagline_pattern = "ｾｰﾙ中"
    ready_template.sales_description = "<b>セ</b>ール"
    ready_template.save()
    product = make_product(options=[{"カラー": "セール色"}, {"カラー": "白"}], name="SALE Tシャツ")
    account.prohibited_words = "セール\nsale"
    account.save()

    found = check_listing(listing_for(account, product))

    # The option value reaches the descriptions through {SKU表} too.
    assert sorted(set(fields_of(found))) == ["pc_description", "sales_description", "sp_description", "tagline",
                                             "title", "variants"]
    title = next(f for f in found if f.field == "title")
    assert (title.before, title.found, title.after) == ("", "SALE", " Tシャツ")
    assert "「sale」" in title.message
    assert listing_for(account, product).status == "blocked"


def test_the_shared_list_applies_to_every_account(account, ready_template, make_product, settings):
    settings.RAKUTEN_PROHIBITED_WORDS = ["最安値"]
    product = make_product(name="最安値 Tシャツ")
    assert fields_of(check_listing(listing_for(account, product))) == ["title"]


def test_fixing_the_finding_lifts_the_block(account, ready_template, make_product):
    account.prohibited_words = "セール"
    account.save()
    listing = listing_for(account, make_product(name="セール Tシャツ"))
    assert check_listing(listing) and listing.status == "blocked"
    listing.title = "Tシャツ"
    assert check_listing(listing) == [] and listing.status == "draft"


@pytest.mark.parametrize("manage_number, ok", [("a" * 32, True), ("a" * 33, False), ("tee-01_x", True),
                                               ("Tee01", False), ("tee.01", False), ("ｔｅｅ", False)])
def test_manage_number_characters_and_length(account, ready_template, make_product, manage_number, ok):
    listing = listing_for(account, make_product())
    listing.manage_number = manage_number
    assert (fields_of(findings(listing)) == []) is ok


def _options(n_selectors: int, n_skus: int) -> list[dict]:
    return [{f"軸{a}": f"値{s}" for a in range(n_selectors)} for s in range(n_skus)]


@pytest.mark.parametrize("n, ok", [(6, True), (7, False)])
def test_at_most_six_selectors(account, ready_template, make_product, n, ok):
    listing = listing_for(account, make_product(options=_options(n, 2)))
    assert (findings(listing) == []) is ok


@pytest.mark.parametrize("n, ok", [(40, True), (41, False)])
def test_at_most_forty_values_per_selector(account, ready_template, make_product, n, ok):
    listing = listing_for(account, make_product(options=_options(1, n)))
    assert (findings(listing) == []) is ok


@pytest.mark.parametrize("n, ok", [(400, True), (401, False)])
def test_at_most_400_variants(account, ready_template, make_product, n, ok):
    product = Product.objects.create(code="BIG", name="大", price=100)
    Sku.objects.bulk_create([Sku(code=f"BIG-{i}", product=product, name=str(i),
                                 options={"サイズ": f"S{i % 20}", "カラー": f"C{i // 20}"}) for i in range(n)])
    found = findings(listing_for(account, product))
    assert (found == []) is ok, found[:3]


def test_a_single_sku_item_has_no_selectors_even_when_the_template_names_some(account, ready_template, make_product):
    ready_template.variant_mapping = [{"option": "サイズ", "display_name": "サイズ"}]
    ready_template.save()
    listing = listing_for(account, make_product(options=[{"サイズ": "M"}]))
    draft = build_draft(listing)
    assert draft.plan.selectors == [] and findings(listing) == []


def test_the_single_sku_rule_itself(account, ready_template, make_product):
    draft = build_draft(listing_for(account, make_product(options=[{"サイズ": "M"}, {"サイズ": "L"}])))
    one = draft.plan.__class__(draft.plan.selectors, draft.plan.variants[:1])
    assert fields_of(preflight.structure_findings(draft.__class__(**{**draft.__dict__, "plan": one}))) == ["variants"]


def test_every_variant_needs_a_value_for_every_selector(account, ready_template, make_product):
    listing = listing_for(account, make_product(options=[{"サイズ": "M", "カラー": "黒"}, {"サイズ": "L"}]))
    assert [f.message for f in findings(listing)] == [
        "SKU TEE01-2 に「カラー」の値がありません。SKUのオプションで設定してください。"]


def test_no_two_variants_with_the_same_values(account, ready_template, make_product):
    listing = listing_for(account, make_product(options=[{"サイズ": "M"}, {"サイズ": "M"}]))
    assert ["のオプションが同じです" in f.message for f in findings(listing)] == [True]


def test_several_skus_without_options_are_refused(account, ready_template, make_product):
    assert fields_of(findings(listing_for(account, make_product(options=[{}, {}])))) == ["variants"]


@pytest.mark.parametrize("n, ok", [(20, True), (21, False)])
def test_at_most_twenty_images(account, ready_template, make_product, n, ok):
    ready_template.images = "\n".join(f"/img/{{商品コード}}-{i}.jpg" for i in range(n))
    ready_template.save()
    assert (findings(listing_for(account, make_product())) == []) is ok


@pytest.mark.parametrize("genre, ok", [("100371", True), ("10037", False), ("1003711", False), ("", False),
                                       ("10037a", False)])
def test_genre_id_of_six_digits(account, ready_template, make_product, genre, ok):
    ready_template.genre_id = genre
    ready_template.save()
    assert (findings(listing_for(account, make_product())) == []) is ok


@pytest.mark.parametrize("title, ok", [("a" * 255, True), ("a" * 256, False), ("あ" * 127 + "a", True),
                                       ("あ" * 128, False)])
def test_title_length_in_bytes(account, ready_template, make_product, title, ok):
    listing = listing_for(account, make_product())
    listing.title = title
    assert (findings(listing) == []) is ok


def test_a_product_without_price_is_blocked(account, ready_template, make_product):
    assert fields_of(findings(listing_for(account, make_product(price=None)))) == ["price"]


def test_check_listing_command_prints_findings_and_exits_1(account, ready_template, make_product, capsys):
    make_product(name="セール Tシャツ")
    account.prohibited_words = "セール"
    account.save()
    with pytest.raises(CommandError) as failure:
        call_command("check_listing", "TEE01", "--account", account.name)
    assert failure.value.returncode == 1
    assert "[セール]" in capsys.readouterr().out
    account.prohibited_words = ""
    account.save()
    call_command("check_listing", "TEE01", "--account", account.name, "--template", "標準")
    assert "tee01: OK" in capsys.readouterr().out
