"""The label round trip in real headless Chromium: select orders, see the problem row, download the B2 file,
upload the 発行済データ made from it, preview, confirm."""

from __future__ import annotations

import csv
import io

import pytest

from orders.models import OrderPackage, Shipment
from orders.services import allocate_order
from rakuten_link.shipping.label_settings import LabelSettings
from tests.e2e.test_admin_browser import SCREENSHOTS
from tests.e2e.test_order_page_browser import page  # noqa: F401  (the logged-in page fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def orders(make_store, make_sku, make_account, set_stock, make_order):
    store, sku = make_store("S1", "本店"), make_sku("TEE-M", name="Tシャツ M")
    set_stock(store, sku, 9)
    account = make_account("楽天ブラウザ店", stores=[store])
    LabelSettings.objects.create(account=account, sender_name="楽天ショップ", sender_zip="158-0094",
                                 sender_address="東京都世田谷区玉川1-14-1", sender_phone="03-1234-5678",
                                 b2_billing_code="0312345678")
    made = [allocate_order(make_order(account, [(sku, 1)], order_progress=300)) for _ in range(3)]
    OrderPackage.objects.filter(order__in=made[:2]).update(recipient_zip="150-0001", recipient_phone="090-1111-2222",
                                                           recipient_address="東京都渋谷区神宮前1-2-3")
    return made  # the third has no phone and no postcode


def test_export_b2_and_import_the_issued_labels(page, live_server, orders, tmp_path):  # noqa: F811
    page.goto(f"{live_server.url}/admin/orders/order/")
    for order in orders:
        page.locator(f"input.action-select[value='{order.pk}']").check()
    page.locator("select[name='action']").select_option("export_label_file")
    page.locator("button[name='index']").click()
    page.locator("select[name='carrier']").select_option("b2")
    page.locator("input[name='preview']").click()
    problems = page.locator("#label-preview tr.problem")
    assert problems.count() == 1 and orders[2].order_number in problems.inner_text()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "label_export_preview.png"), full_page=True)
    with page.expect_download() as info:
        page.locator("input[name='download']").click()
    exported = list(csv.reader(io.StringIO(open(info.value.path(), "rb").read().decode("cp932"), newline="")))
    assert len(exported) == 3 and {len(row) for row in exported} == {97}

    issued = [exported[0]] + [[*row[:3], f"40000000000{n}", *row[4:]] for n, row in enumerate(exported[1:])]
    text = io.StringIO(newline="")
    csv.writer(text, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(issued)
    path = tmp_path / "hakkozumi.csv"
    path.write_bytes(text.getvalue().encode("cp932"))
    page.goto(f"{live_server.url}/admin/orders/order/labels/import/")
    page.locator("select[name='carrier']").select_option("b2")
    page.locator("input[name='file']").set_input_files(str(path))
    page.locator("form[enctype] input[type='submit']").click()
    assert page.locator("#import-preview tbody tr").count() == 2 and not Shipment.objects.exists()
    page.locator("input[name='confirm']").click()
    page.wait_for_load_state()
    assert page.locator(".messagelist .success").count() == 1
    assert sorted(Shipment.objects.values_list("tracking_number", flat=True)) == ["400000000000", "400000000001"]
