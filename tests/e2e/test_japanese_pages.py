"""No English left on the Japanese admin: Django-Q2's pages, schedules, sync runs, stock, account, permissions,
an API token's help texts, a slip job and an upload job no worker has taken, an order's and an account's
history, a run of every job kind, the API calls, and every alert mail.

Logs in as staff would (Japanese login form), opens each page in headless Chromium and reads the text a
person sees (including the options of the permission pickers); any word from the list fails the test, with
the page and a screenshot in var/screenshots/.
"""

# ruff: noqa: F811  (pytest fixtures are imported by name and used as arguments)
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.e2e.test_admin_browser import SCREENSHOTS, logged_in, page  # noqa: F401  (fixtures)
from tests.rakuten_link.conftest import account, order_shop, rms, rms_orders  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ENGLISH = ("Django Q", "Failed tasks", "Successful tasks", "Scheduled tasks", "Queued tasks", "Can view",
           "Can add", "Can change", "Can delete", "rakuten: fetch orders", "rakuten: push inventory", "considered",
           "pushed", "rejected", "order_unmapped_payment", "Schedule type", "Func", "Function", "Repeats",
           "Next run", "Time taken", "Short result", "last_run", "Cluster", "failed (HTTP", "Started at",
           "Stopped at", "Cron", "Admin page", "connection failed", "sent", "failed", "unknown", "queued",
           "follow_up", "Errno", "bank", "card", "cod")
WORDS = re.compile("|".join(rf"(?<![\w.]){re.escape(word)}(?![\w.])" for word in ENGLISH), re.IGNORECASE)
# licenseKey and serviceSecret stay as they are (locale/GLOSSARY.md), but not upper-cased by the admin's CSS;
# settings and commands (FIELD_ENCRYPTION_KEY, manage.py rakuten_poll, qcluster) belong in docs, not on pages.
UPPER_CASED = re.compile(r"LICENSEKEY|SERVICESECRET|LicenseKey|ServiceSecret|\b[A-Z]+(?:_[A-Z]+)+\b"
                         r"|\bmanage\.py\b|\bqcluster\b")
# Shapes of English and internal names beyond the list: field names (shipping_reported_at), RMS paths
# (raw:PackageModelList…), a function id not inside its Japanese name's parentheses (order.searchOrder), and
# two or more English words in a row ("Name or service not known", "Cancellation message").
SHAPES = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b|\braw:|\b\w+ModelList\b|(?<![(\w.])(?:[a-z]+\.)+[a-z]+[A-Z]\w*"
                    r"|\b[A-Za-z][a-z]+(?: [a-z]{2,})+\b")
RMS_ERROR = "RMS order.searchOrder failed (HTTP 401): ES01-01: Un-Authorised"


@pytest.fixture
def seeded(make_account, make_store, make_sku, set_stock, django_user_model):
    """One of everything the pages list, written as the jobs and Django-Q2 write them."""
    from django_q.models import OrmQ, Task

    from orders.models import PaymentMethod
    from rakuten_link.models import AlertLog, PaymentMethodMapping, SyncRun
    from rakuten_link.schedules import SCHEDULES, install_schedules

    store = make_store("S1", "本店")
    account = make_account("楽天日本語店", stores=[store], alert_email="alerts@example.com")
    set_stock(store, make_sku("TSHIRT-RED-M", name="Tシャツ 赤 M サイズ（綿100%・長い商品名の例）"), 12)
    install_schedules({spec.kind for spec in SCHEDULES if spec.kind})
    now = timezone.now()
    for n, success in enumerate((True, False)):
        Task.objects.create(id=f"{n:032d}", name=f"task-{n}", func="rakuten_link.tasks.dispatch", args=("orders",),
                            group="rakuten: fetch orders", started=now - timedelta(seconds=3), stopped=now,
                            success=success, result=None if success else "Traceback: boom")
    OrmQ.objects.create(key="rakuten_link", payload="not a signed package", lock=now)
    run = SyncRun.objects.create(account=account, kind="inventory", status="success", finished_at=now,
                                 counts={"considered": 3, "changed": 2, "pushed": 2, "rejected": 0, "calls": 1},
                                 summary="2件送信")
    SyncRun.objects.create(account=account, kind="orders", status="failed", finished_at=now, summary=RMS_ERROR,
                           error=RMS_ERROR)
    AlertLog.objects.create(account=account, kind="order_unmapped_payment", subject="未登録の支払方法")
    for code, name, rakuten_code in (("bank", "銀行振込", 9), ("card", "クレジットカード", 1), ("cod", "代金引換", 2)):
        method = PaymentMethod.objects.create(code=code, name=name)
        PaymentMethodMapping.objects.create(account=account, settlement_method_code=rakuten_code, payment_method=method)
    clerk = django_user_model.objects.create_user("clerk", password="clerk-password-1", is_staff=True)
    return {"account": account, "run": run, "clerk": clerk, **_waiting_jobs(clerk, now)}


def _waiting_jobs(user, now) -> dict:
    """A slip job and a CSV upload job that no worker has taken for a minute: their pages say what to check."""
    from inventory.models import UploadJob
    from inventory.upload_pages import SKU_UPLOADS
    from orders.models import ReportJob

    report = ReportJob.objects.create(kind="slips", requested_by=user, total=60, filename="delivery_slips_60.pdf")
    upload = UploadJob.objects.create(kind=SKU_UPLOADS.prefix, handler="x", phase="check", token="t",
                                      requested_by=user)
    a_minute_ago = now - timedelta(minutes=1)
    ReportJob.objects.filter(pk=report.pk).update(created_at=a_minute_ago)
    UploadJob.objects.filter(pk=upload.pk).update(created_at=a_minute_ago)
    return {"report_job": report, "upload_job": upload}


def _pages(seeded) -> dict[str, str]:
    return {
        "index": "/admin/",
        "failed-tasks": "/admin/django_q/failure/",
        "failed-task": f"/admin/django_q/failure/{1:032d}/change/",
        "successful-tasks": "/admin/django_q/success/",
        "queued-tasks": "/admin/django_q/ormq/",
        "schedules": "/admin/django_q/schedule/",
        "sync-runs": "/admin/rakuten_link/syncrun/?runs=all",
        "sync-run": f"/admin/rakuten_link/syncrun/{seeded['run'].pk}/change/",
        "alerts": "/admin/rakuten_link/alertlog/",
        "stock": "/admin/inventory/stocklevel/",
        "account": f"/admin/accounts/ecaccount/{seeded['account'].pk}/change/",
        "accounts": "/admin/accounts/ecaccount/",
        "payment-mappings": "/admin/rakuten_link/paymentmethodmapping/",
        "payment-mapping-edit": f"/admin/rakuten_link/paymentmethodmapping/edit/{seeded['account'].pk}/",
        "user-permissions": f"/admin/auth/user/{seeded['clerk'].pk}/change/",
        "api-token-add": "/admin/api/apitoken/add/",
        "slip-job-waiting": f"/admin/orders/order/reports/{seeded['report_job'].pk}/",
        "sku-upload-waiting": f"/admin/inventory/sku/import/jobs/{seeded['upload_job'].pk}/",
    }


def _visible_text(shown) -> str:
    options = " ".join(shown.locator("select option").all_inner_texts())
    return f"{shown.inner_text('body')}\n{options}"


def english_in(text: str, *, shapes: bool = False) -> list[str]:
    """The listed English words in ``text``, and with ``shapes`` every English-looking name or phrase."""
    found = {match.group(0) for pattern in (WORDS, UPPER_CASED) for match in pattern.finditer(text)}
    if shapes:
        found |= {match.group(0) for match in SHAPES.finditer(text)}
    return sorted(found)


def _walk(page, base_url: str, pages: dict[str, str], *, shapes: bool = False) -> dict[str, list[str]]:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    found = {}
    for name, path in pages.items():
        response = page.goto(f"{base_url}{path}")
        assert response.status == 200, f"{name}: HTTP {response.status}"
        page.screenshot(path=str(SCREENSHOTS / f"japanese-{name}.png"), full_page=True)
        words = english_in(_visible_text(page), shapes=shapes)
        if words:
            found[name] = words
    return found


def test_no_english_on_the_japanese_pages(logged_in, live_server, seeded):  # noqa: F811
    found = _walk(logged_in, live_server.url, _pages(seeded))
    assert not found, f"English on Japanese pages: {found}"


@pytest.fixture
def recorded(order_shop, rms_orders, admin_user, monkeypatch):
    """An order's history, an account's history and a run of every job kind, all written by the real code."""
    from tests.e2e import japanese_records as records

    account = order_shop.account
    order = records.order_history(rms_orders, account)
    records.account_history(admin_user, account)
    runs = records.every_job_run(account, monkeypatch)
    return {"account": account, "order": order, "runs": runs}


def test_no_english_in_histories_runs_and_api_calls(logged_in, live_server, recorded):  # noqa: F811
    from django.contrib.admin.models import LogEntry

    from rakuten_link.models import ApiCall

    account, order = recorded["account"], recorded["order"]
    assert order.changes.filter(field="order_progress", new_value="500").exists()
    assert LogEntry.objects.filter(object_id=str(account.pk)).count() >= 2
    pages = {"order": f"/admin/orders/order/{order.pk}/change/",
             "order-history": f"/admin/orders/order/{order.pk}/history/",
             "account-history": f"/admin/accounts/ecaccount/{account.pk}/history/",
             "audit-list": "/admin/admin/logentry/",
             "api-calls": "/admin/rakuten_link/apicall/",
             "api-call": f"/admin/rakuten_link/apicall/{ApiCall.objects.order_by('pk').first().pk}/change/",
             "sync-runs-all": "/admin/rakuten_link/syncrun/?runs=all",
             **{f"run-{kind}": f"/admin/rakuten_link/syncrun/{pk}/change/" for kind, pk in recorded["runs"].items()}}
    found = _walk(logged_in, live_server.url, pages, shapes=True)
    assert not found, f"English on Japanese pages: {found}"


def test_no_english_in_any_alert_mail(order_shop):
    from rakuten_link.alerts.kinds import AlertKind, base_kind
    from rakuten_link.models import AlertLog
    from tests.e2e.japanese_records import every_alert_mail

    mails = every_alert_mail(order_shop.account)
    kinds = {base_kind(kind) for kind in AlertLog.objects.values_list("kind", flat=True)}
    assert kinds == set(AlertKind.values), set(AlertKind.values) - kinds
    found = {subject: words for subject, body in mails if (words := english_in(_read_in_mail(subject, body),
                                                                                 shapes=True))}
    assert not found, f"English in alert mails: {found}"


def _read_in_mail(subject: str, body: str) -> str:
    """What a person reads as sentences: not the product name, the links, or the labelled technical line."""
    text = re.sub(r"https?://\S+", "", f"{subject}\n{body}".replace("[Rakuten Link]", ""))
    return "\n".join(line for line in text.splitlines() if not line.startswith("技術情報"))


def test_the_stock_name_column_is_not_squeezed(logged_in, live_server, seeded):  # noqa: F811
    logged_in.goto(f"{live_server.url}/admin/inventory/stocklevel/")
    cell = logged_in.locator("td.field-sku_name").first
    box = cell.bounding_box()
    assert box["width"] > 150 and box["height"] < 60, box
    assert logged_in.evaluate("document.documentElement.scrollHeight") < 2000
