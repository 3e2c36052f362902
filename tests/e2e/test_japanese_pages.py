"""No English left on the Japanese admin: Django-Q2's pages, schedules, sync runs, stock, account, permissions.

Logs in as staff would (Japanese login form), opens each page in headless Chromium and reads the text a
person sees (including the options of the permission pickers); any word from the list fails the test, with
the page and a screenshot in var/screenshots/.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.e2e.test_admin_browser import SCREENSHOTS, browser, logged_in, page  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ENGLISH = ("Django Q", "Failed tasks", "Successful tasks", "Scheduled tasks", "Queued tasks", "Can view",
           "Can add", "Can change", "Can delete", "rakuten: fetch orders", "rakuten: push inventory", "considered",
           "pushed", "rejected", "order_unmapped_payment", "Schedule type", "Func", "Function", "Repeats",
           "Next run", "Time taken", "Short result", "last_run", "Cluster", "failed (HTTP", "Started at",
           "Stopped at")
WORDS = re.compile("|".join(rf"(?<![\w.]){re.escape(word)}(?![\w.])" for word in ENGLISH), re.IGNORECASE)
RMS_ERROR = "RMS order.searchOrder failed (HTTP 401): ES01-01: Un-Authorised"


@pytest.fixture
def seeded(make_account, make_store, make_sku, set_stock, django_user_model):
    """One of everything the pages list, written as the jobs and Django-Q2 write them."""
    from django_q.models import OrmQ, Task

    from rakuten_link.models import AlertLog, SyncRun
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
    clerk = django_user_model.objects.create_user("clerk", password="clerk-password-1", is_staff=True)
    return {"account": account, "run": run, "clerk": clerk}


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
        "user-permissions": f"/admin/auth/user/{seeded['clerk'].pk}/change/",
    }


def _visible_text(shown) -> str:
    options = " ".join(shown.locator("select option").all_inner_texts())
    return f"{shown.inner_text('body')}\n{options}"


def test_no_english_on_the_japanese_pages(logged_in, live_server, seeded):  # noqa: F811
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    found = {}
    for name, path in _pages(seeded).items():
        response = logged_in.goto(f"{live_server.url}{path}")
        assert response.status == 200, f"{name}: HTTP {response.status}"
        logged_in.screenshot(path=str(SCREENSHOTS / f"japanese-{name}.png"), full_page=True)
        words = sorted({match.group(0) for match in WORDS.finditer(_visible_text(logged_in))})
        if words:
            found[name] = words
    assert not found, f"English on Japanese pages: {found}"


def test_the_stock_name_column_is_not_squeezed(logged_in, live_server, seeded):  # noqa: F811
    logged_in.goto(f"{live_server.url}/admin/inventory/stocklevel/")
    cell = logged_in.locator("td.field-sku_name").first
    box = cell.bounding_box()
    assert box["width"] > 150 and box["height"] < 60, box
    assert logged_in.evaluate("document.documentElement.scrollHeight") < 2000
