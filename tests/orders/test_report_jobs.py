"""Slips and exports above the thresholds: a worker makes the file, staff watch a progress page and download it.

The task is run by calling it, as the worker would (async_task is captured: the test decides when it runs).
The file must open (pdfinfo's page count, openpyxl), be served only to the person who asked (or to someone
holding orders.download_any_reportjob), and be gone after a day with a Japanese message.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import timedelta
from decimal import Decimal
from importlib import import_module

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.utils import timezone
from openpyxl import load_workbook

from orders import reports, slips
from orders.models import Order, OrderLine, ReportJob
from orders.reports import delete_expired_reports, run_report_job
from rakuten_link.schedules import SCHEDULES

CHANGELIST = "/admin/orders/order/"


@pytest.fixture(autouse=True)
def private_folder(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.RAKUTEN_SLIP_JOB_THRESHOLD = 2
    settings.RAKUTEN_EXPORT_JOB_THRESHOLD = 4
    return tmp_path / "reports"


@pytest.fixture
def queued(monkeypatch):
    """The tasks the code queued, as (function path, job id)."""
    found = []
    monkeypatch.setattr(reports, "async_task", lambda func, *args, **kwargs: found.append((func, *args)))
    return found


@pytest.fixture
def orders(make_account, make_order):
    """Three orders of two lines each, oldest first: 6 export lines, 3 slips."""
    account = make_account("楽天テスト店")
    made = []
    for hours in (3, 2, 1):
        order = make_order(account, ordered_at=timezone.now() - timedelta(hours=hours), order_progress=300)
        for index in (1, 2):
            OrderLine.objects.create(order=order, package=order.packages.first(), item_detail_id=order.pk * 10 + index,
                                     name=f"商品{index}", price=1000, units=1, tax_rate=Decimal("0.10"))
        made.append(order)
    return made


def _staff(django_user_model, username: str, *codenames: str):
    user = django_user_model.objects.create_user(username, f"{username}@example.com", "pw", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="orders", codename__in=codenames))
    return user


@pytest.fixture
def clerk(client, django_user_model):
    user = _staff(django_user_model, "clerk", "view_order")
    client.force_login(user)
    return user


def _action(client, name: str, orders, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(CHANGELIST, {"action": name, "_selected_action": [o.pk for o in orders], "index": "0"})


def _pdf_pages(data: bytes, tmp_path) -> int:
    assert shutil.which("pdfinfo"), "pdfinfo is missing: install poppler-utils (scripts/lib.sh does)"
    path = tmp_path / "job.pdf"
    path.write_bytes(data)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M)[1])


def test_slips_above_the_threshold_become_a_job_with_a_progress_page_and_a_pdf(
        client, clerk, orders, queued, django_capture_on_commit_callbacks, tmp_path, private_folder):
    response = _action(client, "print_delivery_slips", orders, django_capture_on_commit_callbacks)
    job = ReportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{CHANGELIST}reports/{job.pk}/"
    assert queued == [("orders.reports.run_report_job", job.pk)]
    assert (job.kind, job.status, job.requested_by, job.total) == ("slips", "queued", clerk, 3)
    assert job.params["order_ids"] == [o.pk for o in orders]  # oldest first, the packing order
    assert job.expires_at - job.created_at == timedelta(days=1)
    page = client.get(response["Location"]).content.decode()
    assert "<progress" in page and "バックグラウンド" in page and f"reports/{job.pk}/status/" in page
    assert not LogEntry.objects.exists(), "nothing is printed until the worker has made the file"

    run_report_job(job.pk)
    job.refresh_from_db()
    assert (job.status, job.done, job.total, job.error) == ("done", 3, 3, "")
    status = client.get(f"{CHANGELIST}reports/{job.pk}/status/").json()
    assert status["status"] == "done" and status["percent"] == 100
    assert status["download_url"] == f"{CHANGELIST}reports/{job.pk}/download/"
    download = client.get(status["download_url"])
    data = b"".join(download.streaming_content)
    assert download["Content-Type"] == "application/pdf" and data.startswith(b"%PDF")
    assert 'filename="delivery_slips_3.pdf"' in download["Content-Disposition"]
    assert _pdf_pages(data, tmp_path) == 3
    assert [p.parent.parent for p in private_folder.rglob("*.pdf")] == [private_folder]  # VAR_DIR/reports/<day>/
    assert LogEntry.objects.filter(user=clerk).count() == 3


def test_an_export_above_the_threshold_becomes_a_job_and_the_workbook_opens(
        client, clerk, orders, queued, django_capture_on_commit_callbacks):
    response = _action(client, "export_selected_xlsx", orders, django_capture_on_commit_callbacks)
    job = ReportJob.objects.get()
    assert response["Location"] == f"{CHANGELIST}reports/{job.pk}/" and queued
    run_report_job(job.pk)
    download = client.get(f"{CHANGELIST}reports/{job.pk}/download/")
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(b"".join(download.streaming_content))).active.values)
    assert rows[0][0] == "注文番号" and [row[0] for row in rows[1:]] == [o.order_number for o in orders for _ in "ab"]
    assert LogEntry.objects.filter(user=clerk).count() == 1


def test_the_filtered_export_above_the_threshold_is_a_job_too(client, clerk, orders, queued,
                                                               django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(f"{CHANGELIST}export/", {"format": "csv"})
    job = ReportJob.objects.get()
    assert response["Location"] == f"{CHANGELIST}reports/{job.pk}/" and job.params["format"] == "csv"
    run_report_job(job.pk)
    body = b"".join(client.get(f"{CHANGELIST}reports/{job.pk}/download/").streaming_content).decode("utf-8-sig")
    assert body.count(orders[0].order_number) == 2 and job.filename.endswith(".csv")


def test_below_the_thresholds_the_file_comes_in_the_request(client, clerk, orders, queued,
                                                            django_capture_on_commit_callbacks, settings):
    settings.RAKUTEN_SLIP_JOB_THRESHOLD, settings.RAKUTEN_EXPORT_JOB_THRESHOLD = 3, 6
    slips_response = _action(client, "print_delivery_slips", orders, django_capture_on_commit_callbacks)
    assert slips_response["Content-Type"] == "application/pdf" and slips_response.content.startswith(b"%PDF")
    export = _action(client, "export_selected_csv", orders, django_capture_on_commit_callbacks)
    assert export["Content-Type"] == "text/csv; charset=utf-8"
    assert not ReportJob.objects.exists() and queued == []


def test_another_staff_member_may_not_see_or_download_the_file(client, clerk, orders, queued, django_user_model,
                                                                django_capture_on_commit_callbacks):
    _action(client, "print_delivery_slips", orders, django_capture_on_commit_callbacks)
    job = ReportJob.objects.get()
    run_report_job(job.pk)
    urls = [f"{CHANGELIST}reports/{job.pk}/{tail}" for tail in ("", "status/", "download/")]
    client.force_login(_staff(django_user_model, "other", "view_order"))
    for url in urls:
        response = client.get(url)
        assert response.status_code == 403 and "attachment" not in response.get("Content-Disposition", "")
    client.force_login(_staff(django_user_model, "manager", "view_order", "download_any_reportjob"))
    assert [client.get(url).status_code for url in urls] == [200, 200, 200]


def test_an_expired_link_is_refused_in_japanese_and_the_clean_up_deletes_the_file(
        client, clerk, orders, queued, django_capture_on_commit_callbacks, private_folder):
    _action(client, "print_delivery_slips", orders, django_capture_on_commit_callbacks)
    job = ReportJob.objects.get()
    run_report_job(job.pk)
    fresh = ReportJob.objects.create(kind="slips", requested_by=clerk, filename="x.pdf")
    ReportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.get(f"{CHANGELIST}reports/{job.pk}/download/")
    assert response.status_code == 410 and "有効期限" in response.content.decode()
    assert client.get(f"{CHANGELIST}reports/{job.pk}/status/").status_code == 410
    assert list(private_folder.rglob("*.pdf"))

    assert delete_expired_reports() == "deleted 1 expired file(s)"
    assert not list(private_folder.rglob("*.pdf")) and list(ReportJob.objects.all()) == [fresh]
    gone = client.get(f"{CHANGELIST}reports/{job.pk}/download/")
    assert gone.status_code == 404 and "削除" in gone.content.decode()


def test_a_failed_job_says_why_in_japanese(client, clerk, orders, queued, django_capture_on_commit_callbacks):
    Order.objects.filter(pk=orders[1].pk).update(buyer_name="𠮷田 太郎")
    _action(client, "export_selected_csv_cp932", orders, django_capture_on_commit_callbacks)
    job = ReportJob.objects.get()
    run_report_job(job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and not job.file
    page = client.get(f"{CHANGELIST}reports/{job.pk}/").content.decode()
    assert "エクスポートしませんでした" in page and orders[1].order_number in page and "𠮷" in page
    assert client.get(f"{CHANGELIST}reports/{job.pk}/download/").status_code == 302  # back to the page
    assert not LogEntry.objects.exists()


def test_a_job_without_weasyprint_fails_with_the_reason(client, clerk, orders, queued, monkeypatch,
                                                        django_capture_on_commit_callbacks):
    def missing():
        raise slips.SlipsUnavailable("cannot load library 'libpango-1.0-0'")

    monkeypatch.setattr(slips, "_weasyprint", missing)
    _action(client, "print_delivery_slips", orders, django_capture_on_commit_callbacks)
    job = ReportJob.objects.get()
    assert run_report_job(job.pk) == f"report {job.pk} failed"
    assert "WeasyPrint" in client.get(f"{CHANGELIST}reports/{job.pk}/status/").json()["error"]


def test_a_job_nobody_took_for_long_is_shown_as_failed(client, clerk):
    job = ReportJob.objects.create(kind="slips", requested_by=clerk, filename="x.pdf", total=60,
                                   created_at=timezone.now() - timedelta(hours=1))
    state = client.get(f"{CHANGELIST}reports/{job.pk}/status/").json()
    assert state["status"] == "failed" and "もう一度" in state["error"]


def test_the_download_link_stays_a_day_from_when_the_file_is_ready(client, clerk, orders, queued,
                                                                 django_capture_on_commit_callbacks):
    _action(client, "print_delivery_slips", orders, django_capture_on_commit_callbacks)
    job = ReportJob.objects.get()
    ReportJob.objects.filter(pk=job.pk).update(created_at=job.created_at - timedelta(minutes=20),
                                               expires_at=job.expires_at - timedelta(minutes=20))  # a busy queue
    run_report_job(job.pk)
    job.refresh_from_db()
    assert job.expires_at - job.finished_at >= timedelta(days=1)
    assert client.get(f"{CHANGELIST}reports/{job.pk}/download/").status_code == 200


def test_a_task_run_again_does_not_make_the_file_twice(client, clerk, orders, queued,
                                                       django_capture_on_commit_callbacks, private_folder):
    _action(client, "print_delivery_slips", orders, django_capture_on_commit_callbacks)
    job = ReportJob.objects.get()
    run_report_job(job.pk)
    assert run_report_job(job.pk) == f"report {job.pk}: nothing to do"
    assert len(list(private_folder.rglob("*.pdf"))) == 1


def test_slips_laid_out_in_chunks_make_the_same_pages(orders, monkeypatch):
    whole = slips.render_slips(slips.build_slips(orders))
    monkeypatch.setattr(slips, "SLIPS_PER_LAYOUT", 2)
    seen = []
    chunked = slips.render_slips(slips.build_slips(orders), progress=seen.append)
    assert (chunked.pages, chunked.slips) == (whole.pages, whole.slips) == (3, 3) and seen == [2, 3]


def test_the_clean_up_is_a_declared_daily_schedule(clerk):
    [spec] = [spec for spec in SCHEDULES if spec.name == "orders: delete expired files"]
    assert spec.minutes is None and spec.kind is None
    ReportJob.objects.create(kind="slips", requested_by=clerk, expires_at=timezone.now() - timedelta(seconds=1))
    module, _dot, name = spec.func.rpartition(".")
    assert getattr(import_module(module), name)() == "deleted 1 expired file(s)"
    assert not ReportJob.objects.exists()


def test_the_list_of_files_shows_each_person_their_own(client, clerk, django_user_model):
    mine = ReportJob.objects.create(kind="slips", requested_by=clerk, filename="delivery_slips_60.pdf")
    other = _staff(django_user_model, "other", "view_order")
    ReportJob.objects.create(kind="export", requested_by=other, filename="orders_other.xlsx")
    page = client.get("/admin/orders/reportjob/").content.decode()
    assert "delivery_slips_60.pdf" in page and "orders_other.xlsx" not in page
    assert f'href="{CHANGELIST}reports/{mine.pk}/"' in page
    assert client.get(f"/admin/orders/reportjob/{mine.pk}/change/")["Location"] == f"{CHANGELIST}reports/{mine.pk}/"
    client.force_login(_staff(django_user_model, "manager", "view_order", "download_any_reportjob"))
    page = client.get("/admin/orders/reportjob/").content.decode()
    assert "delivery_slips_60.pdf" in page and "orders_other.xlsx" in page
    client.force_login(_staff(django_user_model, "nobody"))
    assert client.get("/admin/orders/reportjob/").status_code == 403


def test_a_file_that_cannot_be_stored_fails_the_job_and_audits_nothing(client, clerk, orders, queued, monkeypatch,
                                                                        django_capture_on_commit_callbacks):
    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    _action(client, "export_selected_csv", orders, django_capture_on_commit_callbacks)
    job = ReportJob.objects.get()
    monkeypatch.setattr(type(job.file.storage), "_save", disk_full)
    assert run_report_job(job.pk) == f"report {job.pk} failed"
    state = client.get(f"{CHANGELIST}reports/{job.pk}/status/").json()
    assert state["status"] == "failed" and "予期しないエラー" in state["error"] and "No space" not in state["error"]
    assert not LogEntry.objects.exists()
