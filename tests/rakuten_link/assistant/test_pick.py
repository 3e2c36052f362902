"""Pick another SKU for a Rakuten variant: our SKUs found by typing part of a code or a name (Django admin's
autocomplete over the SKU admin's search fields, with the rights of that view), the pick written as accepting
writes it (audited), and a SKU of ours already sold as another Rakuten SKU of the account refused."""

from __future__ import annotations

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.urls import reverse

from inventory.models import Product, Sku, StockLevel
from orders.models import OrderState
from rakuten_link.assistant.models import MappingProposal
from rakuten_link.assistant.proposals import refresh_proposals
from rakuten_link.models import ProductMapping

AUTOCOMPLETE = {"app_label": "rakuten_link", "model_name": "mappingproposal", "field_name": "sku"}


@pytest.fixture
def shop(make_account, make_store, make_catalogue):
    """Rakuten: tee / s (code TEE-S, proposed) and tee / x (no code, no proposal); ours: TEE-S and a logo tee."""
    store = make_store("S1", "本店")
    account = make_account(name="楽天本店", stores=[store], safety_stock=2)
    tee = Product.objects.create(code="TEE", name="ベーシックTシャツ")
    small = Sku.objects.create(code="TEE-S", product=tee, name="ベーシックTシャツ S", options={"サイズ": "S"})
    logo = Sku.objects.create(code="LOGO-M-BLK", product=Product.objects.create(code="LOGO", name="ロゴT"),
                              name="ロゴTシャツ M ブラック", options={"サイズ": "M", "カラー": "ブラック"})
    StockLevel.objects.create(store=store, sku=logo, on_hand=9, allocated=1)
    variants = make_catalogue(account, {"tee": [dict(variant_id="s", merchant_sku_id="TEE-S"),
                                                dict(variant_id="x", selectors={"サイズ": "M"})]})
    refresh_proposals(account)
    return account, {"s": small, "logo": logo}, variants


def _pick_url(variant) -> str:
    return reverse("admin:rakuten_link_mappingproposal_pick", args=[variant.pk])


def _search(client, variant, term: str):
    url = reverse("admin:rakuten_link_mappingproposal_pick_skus", args=[variant.pk])
    return client.get(url, {**AUTOCOMPLETE, "term": term})


def test_the_pick_page_offers_an_autocomplete_over_our_skus(admin_client, shop):
    _account, _skus, variants = shop
    page = admin_client.get(_pick_url(variants[1])).content.decode()
    assert 'class="admin-autocomplete' in page and 'data-model-name="mappingproposal"' in page
    assert reverse("admin:rakuten_link_mappingproposal_pick_skus", args=[variants[1].pk]) in page
    assert "select2" in page  # the widget's scripts are on the page


@pytest.mark.parametrize("term", ["LOGO-M", "ogo-m-b", "Tシャツ M ブラ"])
def test_the_autocomplete_finds_a_sku_by_part_of_its_code_or_name(admin_client, shop, term):
    _account, skus, variants = shop
    response = _search(admin_client, variants[1], term)
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["id"] for r in results] == [str(skus["logo"].pk)]
    # code, name, options and what Rakuten would be sold: Σ(9 − 1) over the account's store − safety stock 2
    assert results[0]["text"] == "LOGO-M-BLK ロゴTシャツ M ブラック（カラー:ブラック × サイズ:M） · 販売可能 6"


def test_the_autocomplete_says_when_a_sku_is_mapped_already(admin_client, shop):
    account, skus, variants = shop
    ProductMapping.objects.create(account=account, manage_number="tee", variant_id="s", sku=skus["s"])
    text = _search(admin_client, variants[1], "TEE-S").json()["results"][0]["text"]
    assert text.startswith("TEE-S ベーシックTシャツ S（サイズ:S） · 販売可能 0") and "マッピング済み: tee / s" in text


def test_the_autocomplete_keeps_the_admin_rights(client, shop, django_user_model):
    _account, _skus, variants = shop
    user = django_user_model.objects.create_user("clerk", password="pw", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=["view_mappingproposal", "view_sku"]))
    client.force_login(user)
    assert _search(client, variants[1], "LOGO").status_code == 403  # may not map: may not pick
    user.user_permissions.set(Permission.objects.filter(codename__in=["view_mappingproposal",
                                                                      "add_productmapping"]))
    assert _search(client, variants[1], "LOGO").status_code == 403  # may not see our SKUs
    user.user_permissions.add(Permission.objects.get(codename="view_sku"))
    assert _search(client, variants[1], "LOGO").status_code == 200
    assert client.get(reverse("admin:rakuten_link_mappingproposal_pick_skus", args=[variants[1].pk]),
                      {"term": "LOGO"}).status_code == 403  # the autocomplete's own rule: which field it serves


def test_picking_a_sku_creates_the_mapping_and_audits_it(admin_client, admin_user, shop, make_order):
    account, skus, variants = shop
    order = make_order(account, lines=[(None, 1)], state=OrderState.NEEDS_ATTENTION)
    order.lines.update(manage_number="tee", variant_id="x")  # a 要確認 line waiting for tee / x
    response = admin_client.post(_pick_url(variants[1]), {"sku": skus["logo"].pk}, follow=True)
    assert list(ProductMapping.objects.values_list("manage_number", "variant_id", "sku__code")) == [
        ("tee", "x", "LOGO-M-BLK")]
    assert "マッピングを 1 件作成しました" in response.content.decode()
    entry = LogEntry.objects.get()
    assert entry.user == admin_user and "LOGO-M-BLK" in entry.change_message and "tee / x" in entry.change_message
    assert "1 件作成" in entry.change_message and "要確認の注文行 1 件を紐付け" in entry.change_message
    assert order.lines.get().sku == skus["logo"]  # the waiting line is matched again
    assert MappingProposal.objects.filter(account=account).count() == 1  # tee / s still proposed


def test_a_sku_mapped_to_another_rakuten_sku_is_refused_and_nothing_written(admin_client, shop):
    account, skus, variants = shop
    ProductMapping.objects.create(account=account, manage_number="tee", variant_id="s", sku=skus["s"])
    response = admin_client.post(_pick_url(variants[1]), {"sku": skus["s"].pk})
    assert response.status_code == 200
    assert "TEE-S はこのアカウントの楽天SKU tee / s にマッピング済みです" in response.content.decode()
    assert ProductMapping.objects.count() == 1 and not LogEntry.objects.exists()


def test_no_sku_chosen_is_said_in_japanese(admin_client, shop):
    _account, _skus, variants = shop
    response = admin_client.post(_pick_url(variants[1]), {"sku": ""})
    assert "自社SKUを選んでください" in response.content.decode() and not ProductMapping.objects.exists()


def test_accepting_a_proposal_whose_sku_is_mapped_meanwhile_is_refused(admin_client, shop):
    account, skus, variants = shop
    proposal = MappingProposal.objects.get(variant=variants[0])
    ProductMapping.objects.create(account=account, manage_number="other", variant_id="o", sku=skus["s"])
    response = admin_client.post(reverse("admin:rakuten_link_mappingproposal_decide", args=["accept"]),
                                 {"proposal": proposal.pk}, follow=True)
    assert "TEE-S はこのアカウントの楽天SKU other / o にマッピング済みです" in response.content.decode()
    assert "「別のSKUを選ぶ」で確認" in response.content.decode()
    assert ProductMapping.objects.count() == 1 and not LogEntry.objects.exists()


def test_the_proposals_of_one_variant_lead_to_its_pick_page_even_when_there_are_none(admin_client, shop):
    """An order line's 候補を見る names one Rakuten SKU: with no proposal (or all rejected) staff pick by hand."""
    account, _skus, variants = shop
    query = {"account__id__exact": account.pk, "variant__item__manage_number__iexact": "TEE"}
    page = admin_client.get(reverse("admin:rakuten_link_mappingproposal_changelist"),
                            {**query, "variant__variant_id": "x"})
    assert list(page.context["cl"].result_list) == []  # tee / x has no proposal
    text = page.content.decode()
    assert f'href="{_pick_url(variants[1])}"' in text and "tee / x の自社SKUを手動で選ぶ" in text
    gone = admin_client.get(reverse("admin:rakuten_link_mappingproposal_changelist"),
                            {**query, "variant__variant_id": "zz"}).content.decode()
    assert "TEE / zz は取得済みのカタログにありません" in gone


def test_a_sku_picked_by_hand_is_not_mapped_again_by_accept_all(admin_client, shop):
    """The proposal tee / s → TEE-S stays clean after TEE-S was picked for tee / x: accepting all skips it."""
    account, skus, variants = shop
    admin_client.post(_pick_url(variants[1]), {"sku": skus["s"].pk})
    accept_high = reverse("admin:rakuten_link_mappingproposal_accept_high")
    preview = admin_client.get(accept_high, {"account": account.pk})
    assert preview.context["total"] == 1  # the stale proposal is still offered
    response = admin_client.post(accept_high, {"account": account.pk, "matched": preview.context["matched"]},
                                 follow=True)
    assert list(ProductMapping.objects.values_list("variant_id", "sku__code")) == [("x", "TEE-S")]
    said = response.content.decode()
    assert "マッピングを 0 件作成しました" in said and "1 件はスキップしました" in said


def test_staff_may_confirm_a_sku_sold_as_two_rakuten_skus(admin_client, admin_user, shop):
    """A set or an item listed twice: refused first, then mapped when staff confirm it, and audited as such."""
    account, skus, variants = shop
    ProductMapping.objects.create(account=account, manage_number="tee", variant_id="s", sku=skus["s"])
    refused = admin_client.post(_pick_url(variants[1]), {"sku": skus["s"].pk}).content.decode()
    assert 'name="also_mapped"' in refused and ProductMapping.objects.count() == 1
    admin_client.post(_pick_url(variants[1]), {"sku": skus["s"].pk, "also_mapped": "on"})
    assert set(ProductMapping.objects.values_list("variant_id", "sku__code")) == {("s", "TEE-S"), ("x", "TEE-S")}
    entry = LogEntry.objects.get()
    assert entry.user == admin_user and "tee / s でも販売" in entry.change_message
