"""The mapping assistant in real headless Chromium: a pulled catalogue matched from the page, every
high-confidence proposal accepted in one click after its preview, verified against the RMS sandbox (green)."""

from __future__ import annotations

from io import StringIO

import pytest
from playwright.sync_api import expect

from tests.e2e.test_admin_browser import (  # noqa: F401
    LICENSE,
    SCREENSHOTS,
    SECRET,
    logged_in,
    page,
    rms_knows_the_browser_credentials,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def pulled(make_account, make_store, sandbox):
    """The sandbox's seeded shop (60 variants) pulled by the catalogue job; our SKUs as the seed knows them."""
    from django.core.management import call_command

    from inventory.models import Product, Sku
    from rakuten_link.sandbox.state.big_catalogue import build_catalogue
    from rakuten_link.sandbox.state.seed import seed_catalogue

    account = make_account("楽天ブラウザ店", stores=[make_store("S1", "本店")], service_secret=SECRET,
                           license_key=LICENSE)
    catalogue = build_catalogue(variants=60, seed=5)
    seed_catalogue(sandbox.state, catalogue, shop="999999")
    for sku in catalogue.skus:
        product, _new = Product.objects.get_or_create(code=sku["product_code"],
                                                      defaults={"name": sku["product_name"]})
        Sku.objects.create(code=sku["code"], product=product, name=sku["name"], jan_code=sku["jan"],
                           options=sku["options"])
    call_command("rakuten_sync", "catalogue", "--account", account.name, stdout=StringIO())
    return account


def test_accept_all_high_confidence_proposals_in_one_click(logged_in, live_server, pulled):  # noqa: F811
    from django.core.management import call_command

    from rakuten_link.assistant.models import MappingProposal
    from rakuten_link.models import MappingStatus, ProductMapping

    tab = logged_in
    tab.goto(f"{live_server.url}/admin/rakuten_link/mappingproposal/?account__id__exact={pulled.pk}")
    assert tab.locator("h1").inner_text() == "マッピングアシスタント"
    tab.click('#assistant-summary input[type="submit"]')  # カタログを再照合
    tab.wait_for_load_state()
    high = MappingProposal.objects.filter(account=pulled, confidence="high", conflict="").count()
    assert high > 40
    assert tab.locator("#assistant-summary tr.level-high td").nth(1).inner_text() == str(high)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SCREENSHOTS / "assistant-proposals.png"), full_page=True)

    tab.click("#accept-high")
    tab.wait_for_load_state()
    assert f"{high} 件作成します" in tab.locator("#accept-high-total").inner_text()
    assert tab.locator("#accept-high-preview tbody tr").count() == high
    assert not ProductMapping.objects.exists()  # the preview writes nothing
    tab.click("#accept-high-confirm")
    tab.wait_for_load_state()
    assert f"マッピングを {high} 件作成しました" in tab.locator(".messagelist").inner_text()
    tab.screenshot(path=str(SCREENSHOTS / "assistant-accepted.png"), full_page=True)

    call_command("rakuten_sync", "mappings", "--account", pulled.name, stdout=StringIO())  # the 5-minute job
    tab.goto(f"{live_server.url}/admin/rakuten_link/productmapping/?status__exact=ok")
    sku_era = ProductMapping.objects.filter(account=pulled).exclude(variant_id="")
    assert set(sku_era.values_list("status", flat=True)) == {MappingStatus.OK}
    assert f"{sku_era.count()} " in tab.locator("#changelist-form .paginator").inner_text()


@pytest.fixture
def unmatched(make_account, make_store):
    """A Rakuten variant nothing proposes (no code, no JAN) and, among our SKUs, the one it is."""
    from django.utils import timezone

    from inventory.models import Product, Sku, StockLevel
    from rakuten_link.models import CatalogueItem, CatalogueVariant

    store = make_store("S1", "本店")
    account = make_account("楽天ブラウザ店", stores=[store], service_secret=SECRET, license_key=LICENSE)
    logo = Product.objects.create(code="LOGO", name="ロゴTシャツ")
    for size in ("S", "M"):
        for colour, code in (("ブラック", "BLK"), ("ホワイト", "WHT")):
            sku = Sku.objects.create(code=f"LOGO-{size}-{code}", product=logo, name=f"ロゴTシャツ {size} {colour}",
                                     options={"サイズ": size, "カラー": colour})
            StockLevel.objects.create(store=store, sku=sku, on_hand=7)
    now = timezone.now()
    item = CatalogueItem.objects.create(account=account, manage_number="logo-t", item_number="LT-1",
                                        title="【送料無料】ロゴ Tシャツ 綿100%", pulled_at=now)
    CatalogueVariant.objects.create(item=item, account=account, variant_id="sku-m-blk", pulled_at=now,
                                    selectors={"サイズ": "M", "カラー": "黒"})
    return account


def test_pick_a_sku_by_typing_part_of_its_name(logged_in, live_server, unmatched):  # noqa: F811
    from rakuten_link.models import ProductMapping

    tab = logged_in
    tab.set_viewport_size({"width": 1366, "height": 900})
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tab.goto(f"{live_server.url}/admin/rakuten_link/mappingproposal/?account__id__exact={unmatched.pk}")
    tab.click("#assistant-left")  # 1 variant on Rakuten has neither a mapping nor a proposal
    tab.click("#left-list >> text=手動でマッピング")
    tab.wait_for_load_state()
    tab.click("#pick-form .select2-selection")
    tab.keyboard.type("M ブラ")  # part of the SKU name, as staff remember it
    suggestion = tab.locator(".select2-results__option", has_text="LOGO-M-BLK")
    # select2 shows the answer for each prefix typed ("M" finds several); wait for the last term's answer
    expect(tab.locator(".select2-results__option")).to_have_count(1)
    assert suggestion.inner_text() == "LOGO-M-BLK ロゴTシャツ M ブラック（カラー:ブラック × サイズ:M） · 販売可能 7"
    tab.screenshot(path=str(SCREENSHOTS / "assistant-pick-suggestion.png"), full_page=True)
    suggestion.click()
    tab.click("#pick-submit")
    tab.wait_for_load_state()
    assert "マッピングを 1 件作成しました" in tab.locator(".messagelist").inner_text()
    tab.screenshot(path=str(SCREENSHOTS / "assistant-pick-done.png"), full_page=True)
    mapping = ProductMapping.objects.get()
    assert (mapping.manage_number, mapping.variant_id, mapping.sku.code) == ("logo-t", "sku-m-blk", "LOGO-M-BLK")
