"""Big uploads on the four CSV pages go to a worker with a progress page (issue 17, point 2).

Above RAKUTEN_UPLOAD_JOB_THRESHOLD_BYTES the page answers with a redirect to the job's progress page; the
worker (its task function run here directly) produces the same report the synchronous page shows, and a
confirmed good file writes exactly what the synchronous path writes.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from inventory.models import UploadJob, UploadJobStatus
from inventory.upload_jobs import run_upload_job
from tests.support.uploads import PAGES, make_page

ROWS = 120


@pytest.fixture(params=PAGES)
def page(request, make_store, make_sku, make_account, make_order, set_stock):
    return make_page(request.param, make_store=make_store, make_sku=make_sku, make_account=make_account,
                     make_order=make_order, set_stock=set_stock, rows=ROWS)


@pytest.fixture(autouse=True)
def uploads_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path


@pytest.fixture
def big(settings):
    settings.RAKUTEN_UPLOAD_JOB_THRESHOLD_BYTES = 100


def _post(client, page, data: bytes):
    return client.post(page.url, {**page.fields, "file": SimpleUploadedFile("upload.csv", data)})


def _run_last_job(client, response):
    """The page sent us to a job: run it as the worker would, then open its page again."""
    assert response.status_code == 302 and "/jobs/" in response["Location"]
    job = UploadJob.objects.latest("pk")
    waiting = client.get(response["Location"])
    assert waiting.status_code == 200 and 'id="upload-job-text"' in waiting.content.decode()
    run_upload_job(job.pk)
    job.refresh_from_db()
    assert job.status == UploadJobStatus.DONE and job.checked > 0
    return client.get(response["Location"]), job


def _through_jobs(client, page, data: bytes):
    """Upload, check in a job, confirm (when the page previews), write in a job: the final response."""
    response, job = _run_last_job(client, _post(client, page, data))
    token = response.context.get("preview_token") if response.context else None
    if page.previews and token:
        response, job = _run_last_job(client, client.post(page.url, {"preview_token": token, "confirm": "1"}))
        assert job.phase == "write" and job.written > 0
    return response


def _sync(client, page, data: bytes):
    return page.upload(client, data)


def _outcome(client, response):
    """What an upload left behind: the page it ends on and its messages."""
    assert response.status_code == 302, response.status_code
    return response["Location"], [str(m) for m in get_messages(response.wsgi_request)]


def test_a_bad_big_file_shows_the_capped_errors_and_writes_nothing(admin_client, page, big):
    rows = [page.good_row(0, "")] + [page.bad_row(n) for n in range(1, ROWS)]
    response, _job = _run_last_job(admin_client, _post(admin_client, page, page.csv(rows).encode()))
    html = response.content.decode()
    assert response.status_code == 200 and not response.context.get("preview_token")
    assert html.count('class="import-error"') == 100
    assert f"エラー {ROWS - 1} 件（最初の100件を表示）" in html
    counts = re.findall(r'<tr class="import-error-column"><td>([^<]*)</td><td>(\d+)</td></tr>', html)
    assert sum(int(count) for _column, count in counts) == response.context["report"].errors.total
    assert page.written() == 0


def test_a_good_big_file_confirmed_writes_what_the_synchronous_page_writes(admin_client, page, settings):
    data = page.csv([page.good_row(n, "") for n in range(ROWS)]).encode()
    with transaction.atomic():
        sync = _outcome(admin_client, _sync(admin_client, page, data))
        written_sync = page.written()
        transaction.set_rollback(True)
    assert page.written() == 0 and written_sync > 0
    settings.RAKUTEN_UPLOAD_JOB_THRESHOLD_BYTES = 100
    job = _outcome(admin_client, _through_jobs(admin_client, page, data))
    assert page.written() == written_sync
    assert job == sync


def test_another_staff_member_cannot_see_the_job(admin_client, client, page, big, django_user_model):
    url = _post(admin_client, page, page.csv([page.good_row(n, "") for n in range(ROWS)]).encode())["Location"]
    other = django_user_model.objects.create_user("other", password="x", is_staff=True)
    other.user_permissions.set(Permission.objects.all())
    client.force_login(other)
    assert client.get(url).status_code == 403
    run_upload_job(UploadJob.objects.latest("pk").pk)
    assert client.get(url).status_code == 403
    assert admin_client.get(url).status_code in (200, 302)  # the uploader sees the report, or the list


def test_below_the_threshold_nothing_is_queued(admin_client, page):
    _sync(admin_client, page, page.csv([page.good_row(0, "")]).encode())
    assert not UploadJob.objects.exists()


def test_the_permission_to_import_is_checked_again_when_confirming(client, page, big, django_user_model):
    staff = django_user_model.objects.create_user("staff", password="x", is_staff=True)
    staff.user_permissions.set(Permission.objects.all())
    client.force_login(staff)
    response, _job = _run_last_job(client, _post(client, page, page.csv([page.good_row(n, "")
                                                                         for n in range(ROWS)]).encode()))
    token = response.context.get("preview_token") if response.context else None
    if not token:
        pytest.skip("the stocktake has no confirm step: its one job checked and wrote")
    staff.user_permissions.clear()
    jobs = UploadJob.objects.count()
    assert client.post(page.url, {"preview_token": token, "confirm": "1"}).status_code == 403
    assert UploadJob.objects.count() == jobs and page.written() == 0


def test_a_big_file_no_import_could_read_is_refused_on_the_page_at_once(admin_client, page, big):
    rows = [page.good_row(0, ""), page.good_row(1, '"' + "x" * (128 * 1024 + 1) + '"')]
    response = _post(admin_client, page, page.csv(rows).encode())
    assert response.status_code == 200 and "131072" in response.context["form"].errors["file"][0]
    assert not UploadJob.objects.exists() and page.written() == 0


def test_a_job_whose_worker_died_says_so_instead_of_waiting_for_ever(admin_client, page, big):
    url = _post(admin_client, page, page.csv([page.good_row(n, "") for n in range(ROWS)]).encode())["Location"]
    UploadJob.objects.update(status=UploadJobStatus.RUNNING, created_at=timezone.now() - timedelta(hours=3))
    html = admin_client.get(url).content.decode()
    assert 'http-equiv="refresh"' not in html and "何も書き込まれていません" in html
    assert page.written() == 0


def test_a_big_file_with_the_wrong_columns_fails_its_job_with_the_reason(admin_client, page, big):
    data = ("wrong,columns\r\n" + "a,b\r\n" * 60).encode()
    url = _post(admin_client, page, data)["Location"]
    run_upload_job(UploadJob.objects.latest("pk").pk)
    job = UploadJob.objects.latest("pk")
    html = admin_client.get(url).content.decode()
    assert job.status == UploadJobStatus.FAILED and job.error and job.error in html
    assert 'http-equiv="refresh"' not in html and page.written() == 0


def test_a_job_is_only_shown_by_its_own_page(admin_client, page, big):
    _post(admin_client, page, page.csv([page.good_row(n, "") for n in range(ROWS)]).encode())
    job = UploadJob.objects.latest("pk")
    others = [url for url in ("/admin/inventory/stocklevel/import/", "/admin/inventory/sku/import/",
                              "/admin/rakuten_link/productmapping/import/", "/admin/orders/order/shipments/import/")
              if url != page.url]
    for url in others:
        assert admin_client.get(f"{url}jobs/{job.pk}/").status_code == 404


def test_confirming_twice_queues_one_write(admin_client, page, big):
    response, _job = _run_last_job(admin_client, _post(admin_client, page, page.csv(
        [page.good_row(n, "") for n in range(ROWS)]).encode()))
    token = response.context.get("preview_token") if response.context else None
    if not token:
        pytest.skip("the stocktake has no confirm step")
    first = admin_client.post(page.url, {"preview_token": token, "confirm": "1"})["Location"]
    second = admin_client.post(page.url, {"preview_token": token, "confirm": "1"})["Location"]
    assert first == second and UploadJob.objects.filter(phase="write").count() == 1


def test_the_queued_task_runs_the_job(admin_client, page, big, monkeypatch, django_capture_on_commit_callbacks):
    """Through Django-Q2 itself (its sync mode): the task name and options the page queues are right."""
    from django_q.conf import Conf

    monkeypatch.setattr(Conf, "SYNC", True)
    rows = [page.good_row(0, "")] + [page.bad_row(n) for n in range(1, ROWS)]
    with django_capture_on_commit_callbacks(execute=True):
        url = _post(admin_client, page, page.csv(rows).encode())["Location"]
    job = UploadJob.objects.latest("pk")
    assert job.status == UploadJobStatus.DONE and job.report["errors"]["total"] >= ROWS - 1
    assert admin_client.get(url).content.decode().count('class="import-error"') == 100
