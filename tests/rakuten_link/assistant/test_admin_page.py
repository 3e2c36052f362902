"""The mapping assistant page through the test client: counts, filters, accept all (preview, then one click),
one row's accept and reject, pick another SKU, permissions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from inventory.models import Product, Sku
from orders.models import OrderState
from rakuten_link.assistant.models import MappingProposal, MatchingRun, RejectedPair
from rakuten_link.assistant.proposals import refresh_proposals
from rakuten_link.models import CatalogueVariant, ProductMapping

LIST = reverse("admin:rakuten_link_mappingproposal_changelist")
ACCEPT_HIGH = reverse("admin:rakuten_link_mappingproposal_accept_high")


@pytest.fixture
def shop(make_account, make_catalogue):
    account = make_account(name="楽天本店")
    tee = Product.objects.create(code="TEE", name="ベーシックTシャツ")
    skus = {size: Sku.objects.create(code=f"TEE-{size}", product=tee, name=size, options={"サイズ": size})
            for size in ("S", "M", "L")}
    variants = make_catalogue(account, {"tee": [
        dict(variant_id="s", merchant_sku_id="TEE-S", selectors={"サイズ": "S"}),
        dict(variant_id="m", merchant_sku_id="ｔｅｅ－ｍ", selectors={"サイズ": "M"}),
        dict(variant_id="l1", merchant_sku_id="TEE-L", selectors={"サイズ": "L"}),
        dict(variant_id="l2", merchant_sku_id="TEE_L", selectors={"サイズ": "L"}),  # a conflict with l1
    ]}, title="ベーシックTシャツ 綿100%")
    refresh_proposals(account)
    return account, skus, variants


def test_counts_filters_and_search(admin_client, shop):
    account, _skus, _variants = shop
    page = admin_client.get(LIST, {"account__id__exact": account.pk}).content.decode()
    assert "楽天本店" in page and "確度「高」の提案をすべて承認" in page and "<h1>マッピングアシスタント</h1>" in page
    high = admin_client.get(LIST, {"account__id__exact": account.pk, "confidence__exact": "high", "conflict": "none"})
    assert sorted(p.variant.variant_id for p in high.context["cl"].result_list) == ["m", "s"]
    assert [(level, clean, conflicts) for _label, level, clean, conflicts in high.context["assistant_levels"]] == [
        ("high", 2, 2), ("medium", 0, 0), ("low", 0, 0)]
    conflicts = admin_client.get(LIST, {"conflict": "any"})
    assert sorted(p.variant.variant_id for p in conflicts.context["cl"].result_list) == ["l1", "l2"]
    assert "2 マッピング提案" in conflicts.content.decode()  # the rows counted as proposals, not "assistants"
    found = admin_client.get(LIST, {"q": "TEE_L"})
    assert [p.variant.variant_id for p in found.context["cl"].result_list] == ["l2"]


def test_accept_all_high_previews_then_creates_in_one_click(admin_client, shop, admin_user):
    account, _skus, _variants = shop
    preview = admin_client.get(ACCEPT_HIGH, {"account": account.pk})
    assert preview.status_code == 200 and preview.context["total"] == 2
    assert not ProductMapping.objects.exists()  # the preview writes nothing
    response = admin_client.post(ACCEPT_HIGH, {"account": account.pk, "matched": preview.context["matched"]})
    assert response.status_code == 302
    assert set(ProductMapping.objects.values_list("variant_id", "sku__code")) == {("s", "TEE-S"), ("m", "TEE-M")}
    entry = LogEntry.objects.get()
    assert entry.user == admin_user and "2" in entry.change_message
    assert set(MappingProposal.objects.values_list("variant__variant_id", flat=True)) == {"l1", "l2"}


def test_one_row_accept_and_reject(admin_client, shop):
    account, skus, variants = shop
    l1 = MappingProposal.objects.get(variant=variants[2])
    l2 = MappingProposal.objects.get(variant=variants[3])
    decide = "admin:rakuten_link_mappingproposal_decide"
    admin_client.post(reverse(decide, args=["reject"]), {"proposal": l2.pk})
    assert RejectedPair.objects.filter(variant=variants[3], sku=skus["L"]).exists()
    admin_client.post(reverse(decide, args=["accept"]), {"proposal": l1.pk})
    assert ProductMapping.objects.get().variant_id == "l1"
    refresh_proposals(account)
    assert not MappingProposal.objects.filter(variant=variants[3]).exists()  # rejected: not proposed again


def test_pick_another_sku(admin_client, shop):
    _account, skus, variants = shop
    url = reverse("admin:rakuten_link_mappingproposal_pick", args=[variants[3].pk])
    assert "TEE-L" in admin_client.get(url).content.decode()
    bad = admin_client.post(url, {"sku": 999999})
    assert "そのSKUはもうありません" in bad.content.decode() and not ProductMapping.objects.exists()
    admin_client.post(url, {"sku": skus["S"].pk})
    assert list(ProductMapping.objects.values_list("variant_id", "sku__code")) == [("l2", "TEE-S")]


def test_selling_filter_lists_variants_with_waiting_lines(admin_client, shop, make_order):
    account, _skus, _variants = shop
    order = make_order(account, lines=[(None, 1)], state=OrderState.NEEDS_ATTENTION)
    order.lines.update(manage_number="tee", variant_id="m")
    selling = admin_client.get(LIST, {"selling": "yes"})
    assert [p.variant.variant_id for p in selling.context["cl"].result_list] == ["m"]
    admin_client.post(reverse("admin:rakuten_link_mappingproposal_decide", args=["accept"]),
                      {"proposal": selling.context["cl"].result_list[0].pk})
    assert order.lines.get().sku.code == "TEE-M"  # the waiting line is matched again


def test_a_viewer_may_look_but_not_accept(client, shop, django_user_model):
    account, _skus, _variants = shop
    viewer = django_user_model.objects.create_user("viewer", password="pw", is_staff=True)
    viewer.user_permissions.set(Permission.objects.filter(codename="view_mappingproposal"))
    client.force_login(viewer)
    page = client.get(LIST, {"account__id__exact": account.pk})
    assert page.status_code == 200 and "accept-high" not in page.content.decode()
    assert client.post(ACCEPT_HIGH, {"account": account.pk}).status_code == 403
    assert not ProductMapping.objects.exists()


def test_create_products_from_rakuten_previews_then_creates(admin_client, make_account, make_catalogue, make_store):
    account = make_account(name="楽天支店")
    store = make_store("WEB")
    make_catalogue(account, {"cap": [dict(variant_id="bk", merchant_sku_id="CAP-BK", selectors={"カラー": "黒"},
                                          quantity=4)]}, title="キャップ", price=1980)
    url = reverse("admin:rakuten_link_mappingproposal_create_products")
    preview = admin_client.get(url, {"account": account.pk, "store": store.pk})
    assert preview.status_code == 200 and "CAP-BK" in preview.content.decode()
    assert "作成する商品 1 件・SKU 1 件、マッピングする楽天SKU 1 件、初期在庫 4 点。" in preview.content.decode()
    assert not Sku.objects.exists()
    admin_client.post(url, {"account": account.pk, "store": store.pk})
    sku = Sku.objects.get()
    assert (sku.code, sku.options, sku.product.price) == ("CAP-BK", {"カラー": "黒"}, 1980)
    assert sku.stock_levels.get(store=store).on_hand == 4
    assert ProductMapping.objects.get().sku == sku
    assert "楽天から自社商品を作成しました" in LogEntry.objects.latest("pk").change_message


def test_a_waiting_order_line_links_to_its_proposals(admin_client, shop, make_order):
    account, _skus, _variants = shop
    order = make_order(account, lines=[(None, 1)], state=OrderState.NEEDS_ATTENTION)
    order.lines.update(manage_number="tee", variant_id="m")
    page = admin_client.get(reverse("admin:orders_order_change", args=[order.pk])).content.decode()
    query = f"account__id__exact={account.pk}&amp;variant__item__manage_number__iexact=tee&amp;variant__variant_id=m"
    assert f'{LIST}?{query}">候補を見る</a>' in page
    found = admin_client.get(f"{LIST}?{query.replace('&amp;', '&')}").context["cl"].result_list
    assert [p.variant.variant_id for p in found] == ["m"]


def test_left_to_map_counts_variants_without_mapping_or_proposal(admin_client, shop, make_catalogue):
    account, skus, _variants = shop
    make_catalogue(account, {"bag": [dict(variant_id="白×S", pre_sku=True, selectors={"カラー": "白", "サイズ": "S"}),
                                     dict(variant_id="x", merchant_sku_id="NOPE")]})
    ProductMapping.objects.create(account=account, manage_number="bag", legacy_h_choice="白", legacy_v_choice="S",
                                  sku=skus["S"])
    page = admin_client.get(LIST, {"account__id__exact": account.pk})
    assert page.context["assistant_left"] == 1  # bag / x; the 横軸/縦軸 choice is mapped


def test_a_pull_after_the_last_matching_asks_to_match_again(admin_client, shop):
    account, _skus, variants = shop
    page = admin_client.get(LIST, {"account__id__exact": account.pk})
    assert not page.context["assistant_stale"]
    CatalogueVariant.objects.filter(pk=variants[0].pk).update(pulled_at=timezone.now() + timedelta(seconds=5))
    page = admin_client.get(LIST, {"account__id__exact": account.pk})
    assert "再照合してください" in page.content.decode()
    MappingProposal.objects.all().delete()
    CatalogueVariant.objects.update(gone_at=timezone.now())  # nothing left to propose
    admin_client.post(reverse("admin:rakuten_link_mappingproposal_match"), {"account": account.pk})
    CatalogueVariant.objects.update(pulled_at=timezone.now() - timedelta(seconds=5))
    assert not admin_client.get(LIST, {"account__id__exact": account.pk}).context["assistant_stale"]
    assert "カタログを再照合しました" in LogEntry.objects.latest("pk").change_message


def test_accept_all_refuses_when_matched_again_after_the_preview(admin_client, shop):
    account, _skus, _variants = shop
    preview = admin_client.get(ACCEPT_HIGH, {"account": account.pk})
    refresh_proposals(account)
    MatchingRun.objects.filter(account=account).update(matched_at=timezone.now() + timedelta(seconds=1))
    response = admin_client.post(ACCEPT_HIGH, {"account": account.pk, "matched": preview.context["matched"]},
                                 follow=True)
    assert "再照合されたため、何も作成していません" in response.content.decode()
    assert not ProductMapping.objects.exists()


def test_the_bulk_action_leaves_conflicts_for_one_by_one(admin_client, shop):
    _account, _skus, _variants = shop
    chosen = list(MappingProposal.objects.values_list("pk", flat=True))
    response = admin_client.post(LIST, {"action": "accept_selected", "_selected_action": chosen}, follow=True)
    assert set(ProductMapping.objects.values_list("variant_id", flat=True)) == {"s", "m"}
    assert "競合のある 2 件は承認していません" in response.content.decode()


def test_a_row_decided_elsewhere_meanwhile_is_said_not_a_404(admin_client, shop):
    response = admin_client.post(reverse("admin:rakuten_link_mappingproposal_decide", args=["accept"]),
                                 {"proposal": 999999}, follow=True)
    assert response.status_code == 200 and "この提案はもうありません" in response.content.decode()


def test_a_large_catalogue_is_created_by_a_worker(admin_client, admin_user, make_account, make_catalogue,
                                                  monkeypatch, django_capture_on_commit_callbacks):
    from rakuten_link.assistant.products import import_in_background

    account = make_account(name="楽天大型店")
    make_catalogue(account, {"cap": [dict(variant_id="bk", merchant_sku_id="CAP-BK")]}, title="キャップ")
    queued = []
    monkeypatch.setattr("rakuten_link.admin.assistant_products.BACKGROUND_ABOVE", 0)
    monkeypatch.setattr("rakuten_link.admin.assistant_products.async_task", lambda *a, **k: queued.append(a))
    url = reverse("admin:rakuten_link_mappingproposal_create_products")
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(url, {"account": account.pk})
    assert queued == [("rakuten_link.assistant.products.import_in_background", account.pk, None, admin_user.pk)]
    assert not Sku.objects.exists()
    import_in_background(*queued[0][1:])  # what the worker runs
    assert Sku.objects.get().code == "CAP-BK" and ProductMapping.objects.get().sku.code == "CAP-BK"
    entry = LogEntry.objects.latest("pk")
    assert entry.user == admin_user and "楽天から自社商品を作成しました" in entry.change_message


def test_the_variants_left_to_map_are_listed_with_a_way_to_map_them(admin_client, shop, make_catalogue):
    account, _skus, _variants = shop
    stranger = make_catalogue(account, {"odd": [dict(variant_id="z", merchant_sku_id="NOPE")]})[0]
    page = admin_client.get(reverse("admin:rakuten_link_mappingproposal_left"), {"account": account.pk})
    assert [v.variant_id for v in page.context["rows"]] == ["z"]
    text = page.content.decode()
    assert "マッピングも提案もないものが 1 件" in text
    assert reverse("admin:rakuten_link_mappingproposal_pick", args=[stranger.pk]) in text
