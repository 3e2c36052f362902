"""Scan-to-ship in real headless Chromium, with the keyboard only (a USB scanner types the code and Enter)."""

from __future__ import annotations

import pytest

from orders.models import EventKind, OrderEvent, Shipment
from orders.services import allocate_order
from tests.e2e.test_admin_browser import SCREENSHOTS
from tests.e2e.test_order_page_browser import page  # noqa: F401  (the logged-in page fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_order_is_scanned_complete_a_wrong_item_refused_and_shipped(page, live_server, make_store,  # noqa: F811
                                                                       make_sku, make_account, set_stock,
                                                                       make_order):
    store, sku = make_store("S1", "本店"), make_sku("TEE-M", name="Tシャツ M")
    sku.jan_code = "4901234567894"
    sku.save()
    set_stock(store, sku, 5)
    order = allocate_order(make_order(make_account("楽天ブラウザ店", stores=[store]), [(sku, 2)],
                                      order_progress=300))
    page.goto(f"{live_server.url}/admin/orders/order/scan/")
    scan = page.locator("#scan-input")

    def type_scan(code: str) -> None:
        page.keyboard.type(code)
        with page.expect_response(lambda r: r.url.endswith("/scan/") and r.request.method == "POST"):
            page.keyboard.press("Enter")

    assert scan.evaluate("element => element === document.activeElement")
    type_scan(order.order_number)
    assert page.locator("#scan-lines tbody td.missing").inner_text() == "2"
    type_scan("4901234567894")
    type_scan("WRONG-1")
    assert page.locator("#scan-status.refused").count() == 1 and "WRONG-1" in page.locator("#scan-status").inner_text()
    assert page.locator("#scan-lines tbody td.missing").inner_text() == "1"
    type_scan("TEE-M")
    assert page.locator("#scan-ship.ready").count() == 1
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "scan_complete.png"), full_page=True)
    type_scan("400000000009")
    page.locator("#scan-status:not(.refused)").wait_for()
    shipment = Shipment.objects.get()
    assert (shipment.tracking_number, shipment.delivery_company) == ("400000000009", "1001")
    kinds = list(OrderEvent.objects.filter(order=order, kind__in=[EventKind.SCANNED, EventKind.SCAN_REFUSED])
                 .order_by("id").values_list("kind", flat=True))
    assert kinds == ["scanned", "scan_refused", "scanned"]
