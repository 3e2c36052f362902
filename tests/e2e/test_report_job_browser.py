"""The progress page of a slip/export job in headless Chromium: the bar follows the worker without a reload."""

from __future__ import annotations

import pytest

from orders import reports
from orders.models import Order, ReportJob
from orders.reports import run_report_job, start_job
from tests.e2e.test_order_page_browser import page  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_progress_page_updates_itself_and_offers_the_download(page, live_server, make_account,  # noqa: F811
                                                                    make_order, django_user_model, monkeypatch):
    monkeypatch.setattr(reports, "async_task", lambda *args, **kwargs: None)  # the test plays the worker
    account = make_account("楽天ブラウザ店")
    ids = [make_order(account).pk for _ in range(3)]
    job = start_job(kind="export", user=django_user_model.objects.get(), order_ids=ids, filename="orders.xlsx",
                    fmt="xlsx")
    page.goto(f"{live_server.url}/admin/orders/order/reports/{job.pk}/")
    assert page.locator("#report-bar").get_attribute("value") == "0"
    assert "待っています" in page.locator("#report-text").inner_text()
    assert page.locator("#report-download").is_hidden()

    run_report_job(job.pk)
    page.locator("#report-download").wait_for(state="visible")  # no reload: the page asked the status URL
    assert page.locator("#report-bar").evaluate("bar => bar.value") == 100
    assert "ファイルができました" in page.locator("#report-text").inner_text()
    with page.expect_download() as download:
        page.locator("#report-link").click()
    assert download.value.suggested_filename == "orders.xlsx"
    assert ReportJob.objects.get().status == "done" and Order.objects.count() == 3
