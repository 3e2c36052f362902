"""The admin in real Japanese: Django-Q2's pages, schedule labels, permission names, RMS errors framed, idle runs.

Strings whose Japanese is not in the catalogue yet are checked through their effect (the English stored text
no longer shown, the label used instead), so these tests hold before and after the translations are merged.
"""

from __future__ import annotations

from datetime import UTC

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone
from django.utils.translation import override
from django_q.models import Schedule

from rakuten_link.admin.permissions import permission_label
from rakuten_link.admin.run_display import count_label, framed
from rakuten_link.models import SyncRun
from rakuten_link.schedules import LABELS, SCHEDULES, install_schedules

RUNS = "/admin/rakuten_link/syncrun/"
RMS_ERROR = "RMS order.searchOrder failed (HTTP 401): ES01-01: Un-Authorised"


def test_the_django_q_group_and_lists_are_not_in_english(admin_client):
    index = admin_client.get("/admin/").content.decode()
    assert "Django Q" not in index
    for model in ("failure", "success", "schedule", "ormq"):
        page = admin_client.get(f"/admin/django_q/{model}/").content.decode()
        assert "Django Q" not in page
    assert "失敗したタスク" in admin_client.get("/admin/django_q/failure/").content.decode()


def test_schedules_are_listed_by_their_labels_and_keep_their_keys(admin_client):
    install_schedules({spec.kind for spec in SCHEDULES if spec.kind})
    assert Schedule.objects.filter(name="rakuten: fetch orders").exists()  # the key update_or_create uses
    page = admin_client.get("/admin/django_q/schedule/").content.decode()
    assert "rakuten: fetch orders" not in page and "rakuten: push inventory" not in page
    assert str(LABELS["rakuten: fetch orders"]) in page
    assert install_schedules({spec.kind for spec in SCHEDULES if spec.kind})[0] == ("rakuten: fetch orders", False)


@pytest.mark.django_db
def test_permission_names_are_rebuilt_from_the_translated_model_name():
    permission = Permission.objects.get(codename="view_syncrun")
    with override("en"):
        assert permission_label(permission).endswith("| Can view sync run")
    with override("ja"):
        label = permission_label(permission)
    assert "sync run" not in label and "同期履歴" in label.rsplit("|", 1)[1]


def test_the_user_page_shows_translated_permission_names(admin_client, django_user_model):
    user = django_user_model.objects.create_user("clerk", password="x")
    page = admin_client.get(f"/admin/auth/user/{user.pk}/change/").content.decode()
    assert "Can view sync run" not in page and "Can view API call" not in page  # the stored English names
    assert "同期履歴" in page


def test_an_rms_error_is_framed_and_keeps_what_rms_said():
    with override("ja"):
        shown = framed(RMS_ERROR)
    assert "ES01-01: Un-Authorised" in shown and "HTTP 401" in shown and "受注検索 (searchOrder)" in shown
    assert framed("3件送信") == "3件送信"
    with override("en"):
        assert count_label("pushed") == "pushed" and count_label("something_new") == "something_new"


def test_the_run_detail_shows_local_time_in_its_title_and_the_framed_error(admin_client, account):
    run = SyncRun.objects.create(account=account, kind="orders", status="failed", finished_at=timezone.now(),
                                 summary=RMS_ERROR, error=RMS_ERROR)
    page = admin_client.get(f"{RUNS}{run.pk}/change/").content.decode()
    local = timezone.localtime(run.started_at).strftime("%Y-%m-%d %H:%M:%S")
    utc = run.started_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
    assert f"<h2>{account.name} " in page and local in page
    assert utc not in page
    assert "ES01-01: Un-Authorised" in page


def test_successful_runs_that_did_nothing_are_hidden_by_default(admin_client, account):
    SyncRun.objects.create(account=account, kind="inventory", status="success", summary="idle minute",
                           counts={"considered": 0, "pushed": 0, "calls": 0})
    SyncRun.objects.create(account=account, kind="inventory", status="success", summary="pushed something",
                           counts={"considered": 4, "pushed": 2, "calls": 1})
    SyncRun.objects.create(account=account, kind="orders", status="failed", summary="it broke", counts={})
    page = admin_client.get(RUNS).content.decode()
    assert "pushed something" in page and "it broke" in page and "idle minute" not in page
    assert "idle minute" in admin_client.get(RUNS, {"runs": "all"}).content.decode()
