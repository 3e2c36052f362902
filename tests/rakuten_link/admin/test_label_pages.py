"""The order list's label export (problems shown before the file) and the issued-labels upload (preview, confirm)."""

from __future__ import annotations

import csv
import io

from django.urls import reverse

from orders.models import OrderPackage, Shipment
from rakuten_link.shipping.label_settings import LabelSettings

CHANGELIST = reverse("admin:orders_order_changelist")


def _setup(account, make_order):
    LabelSettings.objects.create(account=account, sender_name="楽天ショップ", sender_zip="158-0094",
                                 sender_address="東京都世田谷区玉川1-14-1", sender_phone="03-1234-5678",
                                 b2_billing_code="0312345678")
    good, bad = make_order(account, [(None, 1)]), make_order(account, [(None, 1)])
    OrderPackage.objects.filter(order=good).update(recipient_zip="150-0001", recipient_phone="090-1111-2222",
                                                   recipient_address="東京都渋谷区神宮前1-2-3")
    return good, bad


def test_export_lists_the_packages_that_cannot_be_made_before_the_file(admin_client, account, make_order):
    good, bad = _setup(account, make_order)
    data = {"action": "export_label_file", "_selected_action": [good.pk, bad.pk], "carrier": "b2"}
    page = admin_client.post(CHANGELIST, {**data, "preview": "1"})
    text = page.content.decode()
    assert page.status_code == 200 and bad.order_number in text and "お届け先電話番号" in text
    assert 'name="download"' in text
    response = admin_client.post(CHANGELIST, {**data, "download": "1"})
    rows = list(csv.reader(io.StringIO(response.content.decode("cp932"))))
    assert response["Content-Disposition"].startswith("attachment") and len(rows) == 2
    assert rows[1][0] == f"{good.order_number}-{good.packages.get().basket_id}"


def test_the_issued_labels_upload_previews_then_records(admin_client, account, make_order):
    good, _bad = _setup(account, make_order)
    key = f"{good.order_number}-{good.packages.get().basket_id}"
    row = [key, "0", "", "400000000001", "2026/05/01", *[""] * 92]
    text = io.StringIO(newline="")
    csv.writer(text, lineterminator="\r\n").writerows([["お客様管理番号", "送り状種別", "クール区分", "伝票番号",
                                                        "出荷予定日", *[""] * 92], row, ["other-key", *row[1:]]])
    upload = io.BytesIO(text.getvalue().encode("cp932"))
    upload.name = "issued.csv"
    url = reverse("admin:orders_order_import_labels")
    page = admin_client.post(url, {"account": account.pk, "carrier": "b2", "file": upload})
    assert "400000000001" in page.content.decode() and "other-key" in page.content.decode()
    assert not Shipment.objects.exists()
    admin_client.post(url, {"preview_token": page.context["preview_token"]})
    shipment = Shipment.objects.get()
    assert (shipment.tracking_number, shipment.delivery_company, shipment.order_id) == ("400000000001", "1001",
                                                                                          good.pk)


def test_a_big_issued_labels_file_is_checked_and_written_by_a_worker(admin_client, account, make_order, settings,
                                                                     tmp_path):
    from inventory.models import UploadJob
    from inventory.upload_jobs import run_upload_job

    settings.VAR_DIR, settings.RAKUTEN_UPLOAD_JOB_THRESHOLD_BYTES = tmp_path, 100
    good, _bad = _setup(account, make_order)
    key = f"{good.order_number}-{good.packages.get().basket_id}"
    text = io.StringIO(newline="")
    csv.writer(text, lineterminator="\r\n").writerows([["お客様管理番号", "送り状種別", "クール区分", "伝票番号",
                                                        "出荷予定日"], [key, "0", "", "400000000002", "2026/05/01"]])
    upload = io.BytesIO(text.getvalue().encode("cp932"))
    upload.name = "issued.csv"
    url = reverse("admin:orders_order_import_labels")
    response = admin_client.post(url, {"account": account.pk, "carrier": "b2", "file": upload})
    assert response.status_code == 302 and "/labels/import/jobs/" in response["Location"]
    run_upload_job(UploadJob.objects.latest("pk").pk)
    page = admin_client.get(response["Location"])
    assert "400000000002" in page.content.decode() and not Shipment.objects.exists()
    response = admin_client.post(url, {"preview_token": page.context["preview_token"], "confirm": "1"})
    assert response.status_code == 302 and "/jobs/" in response["Location"]
    run_upload_job(UploadJob.objects.latest("pk").pk)
    admin_client.get(response["Location"])
    assert Shipment.objects.get().tracking_number == "400000000002"
