"""Listing a product in real headless Chromium: create it from the product list, see the blocked word
marked, fix it, and send it to the RMS sandbox."""

from __future__ import annotations

import pytest

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
def shop(make_account, make_store):
    from inventory.models import Product, Sku
    from rakuten_link.models import ListingTemplate

    account = make_account("楽天ブラウザ店", stores=[make_store("S1", "本店")], service_secret=SECRET,
                           license_key=LICENSE, prohibited_words="セール")
    ListingTemplate.objects.filter(account=account, name="標準").update(genre_id="100371")
    product = Product.objects.create(code="TEE01", name="ｾｰﾙ Tシャツ", price=3300)
    for n, size in enumerate(("M", "L"), 1):
        Sku.objects.create(code=f"TEE01-{n}", product=product, name=size, options={"サイズ": size})
    return account, product


def _run_action(tab, action: str, pk: int) -> None:
    tab.check(f'input[name="_selected_action"][value="{pk}"]')
    tab.select_option('select[name="action"]', action)
    tab.click('.actions button[type="submit"]')
    tab.wait_for_load_state()


def test_staff_list_a_product_after_fixing_a_blocked_word(logged_in, live_server, shop, sandbox):  # noqa: F811
    from rakuten_link.models import Listing

    account, product = shop
    tab = logged_in
    tab.goto(f"{live_server.url}/admin/inventory/product/")
    tab.select_option('select[name="account"]', str(account.pk))
    _run_action(tab, "create_listings", product.pk)
    assert "1" in tab.locator(".messagelist").inner_text()

    listing = Listing.objects.get(account=account, product=product)
    assert listing.status == "blocked"
    tab.goto(f"{live_server.url}/admin/rakuten_link/listing/{listing.pk}/change/")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SCREENSHOTS / "listing_blocked.png"), full_page=True)
    mark = tab.locator(".listing-findings mark").first
    assert mark.is_visible() and mark.inner_text() == "ｾｰﾙ"

    tab.fill("#id_title", "Tシャツ")
    tab.click('input[name="_save"]')
    tab.wait_for_load_state()
    listing.refresh_from_db()
    assert listing.status == "draft"

    _run_action(tab, "send_selected", listing.pk)
    tab.screenshot(path=str(SCREENSHOTS / "listing_sent.png"), full_page=True)
    assert tab.locator(".messagelist .success").first.is_visible()
    listing.refresh_from_db()
    assert listing.status == "listed"
    assert sandbox.state.items_of("999999")["tee01"]["title"] == "Tシャツ"
