"""The order page in real headless Chromium: add a shipment through its form, then open the 納品書PDF."""

from __future__ import annotations

from datetime import date

import pytest

from orders.models import OrderPackage, Shipment
from orders.services import allocate_order
from orders.shipping import Outcome, record_shipment, settle_report
from tests.e2e.test_admin_browser import SCREENSHOTS

USERNAME, PASSWORD = "shipper", "browser-test-password"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]



@pytest.fixture
def page(browser, live_server, django_user_model):
    django_user_model.objects.create_superuser(USERNAME, "shipper@example.com", PASSWORD)
    context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/")
    page.fill("#id_username", USERNAME)
    page.fill("#id_password", PASSWORD)
    page.locator('#login-form input[type="submit"]').click()
    page.locator("#user-tools").wait_for()
    yield page
    context.close()


@pytest.fixture
def order(make_store, make_sku, make_account, set_stock, make_order):
    store, sku = make_store("S1", "本店"), make_sku("TEE-M", name="Tシャツ M")
    set_stock(store, sku, 5)
    account = make_account("楽天ブラウザ店", stores=[store])
    return allocate_order(make_order(account, [(sku, 2)], order_progress=300, request_price=5960))


def test_staff_ship_an_order_from_its_page_and_open_the_slip(page, live_server, order):
    page.goto(f"{live_server.url}/admin/orders/order/{order.pk}/change/")
    form = page.locator("form.ship-order")
    form.locator("select[name='ship-delivery_company']").select_option(label="佐川急便")
    form.locator("input[name='ship-tracking_number']").fill("3600-1234-5678")
    assert form.locator("select[name='ship-store'] option:checked").inner_text() == "S1 本店"
    form.locator("input[type='submit']").click()
    page.wait_for_load_state()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "order_page_shipped.png"), full_page=True)

    assert page.url.endswith(f"/admin/orders/order/{order.pk}/change/")
    assert page.locator(".messagelist .success").count() == 1
    row = page.locator("#order-shipping tr.shipment")
    assert row.count() == 1 and "佐川急便" in row.inner_text() and "3600-1234-5678" in row.inner_text()
    shipment = Shipment.objects.get()
    assert (shipment.delivery_company, shipment.tracking_number, shipment.store.code) == ("1002",
                                                                                          "3600-1234-5678", "S1")
    order.refresh_from_db()
    assert order.state == "shipped"

    href = page.locator("a.slip-link").get_attribute("href")
    slip = page.context.request.get(f"{live_server.url}{href}")
    assert slip.status == 200 and slip.headers["content-type"] == "application/pdf"
    assert slip.body().startswith(b"%PDF")


def test_an_order_with_two_packages_offers_a_form_per_package_and_shows_rms_refusals(page, live_server, order):
    first = order.packages.get()
    OrderPackage.objects.create(order=order, basket_id=first.basket_id + 1,
                                recipient_name="楽天 次郎", recipient_address="大阪府大阪市北区")
    refused = record_shipment(package=first, delivery_company="1001", tracking_number="1111-2222",
                              shipped_on=date(2026, 5, 2))
    words = "お問い合わせ番号の形式が不正です。 (ORDER_EXT_API_UPDATE_ORDERSHIPPING_ERROR_021)"
    settle_report([(refused, Outcome.refused(words))])
    page.goto(f"{live_server.url}/admin/orders/order/{order.pk}/change/")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "order_page_two_packages.png"), full_page=True)
    assert page.locator("form.ship-order").count() == 0
    assert page.locator("form.add-shipment").count() == 2
    assert "お問い合わせ番号の形式が不正です。" in page.locator("#order-shipping .report-error").inner_text()
    assert page.locator("details.cancel-order").count() == 1
