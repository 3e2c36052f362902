"""The admin index as the accounts' dashboard, against a seeded database: each figure, its colour, and the
filtered list its link opens; a constant number of queries; only what the staff member may view."""

from __future__ import annotations

import re
from datetime import date, timedelta
from html import escape
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Permission, User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import EcAccount
from accounts.services import record_check_result
from orders.models import BuyerMessage, Order, OrderLine, ReportState, Shipment
from rakuten_link.admin.dashboard import job_periods
from rakuten_link.models import PendingInventoryPush, SyncRun

FIGURES = ["failed_runs", "to_confirm", "to_ship", "unmatched_lines", "mapping_errors", "unreported_shipments",
           "messages_queued", "messages_held", "messages_failed", "messages_unknown",
           "oldest_push", "orders_today", "sales_today"]


def digits(text: str) -> int:
    return int(re.sub(r"\D", "", text))


def run(account, kind: str, status: str = "success", *, ago: timedelta, started_ago: timedelta | None = None):
    now = timezone.now()
    row = SyncRun.objects.create(account=account, kind=kind, status=status, finished_at=now - ago)
    SyncRun.objects.filter(pk=row.pk).update(started_at=now - (started_ago or ago))
    return row


def seed_busy_account(make_account, make_order, make_mapping, make_sku, store):
    now = timezone.now()
    account = make_account("楽天A店", stores=[store])
    EcAccount.objects.filter(pk=account.pk).update(created_at=now - timedelta(days=2))
    record_check_result(account, "valid", expires_at=now + timedelta(days=45, hours=1))
    run(account, "orders", ago=timedelta(minutes=2))  # every minute: fine
    run(account, "inventory", ago=timedelta(minutes=5))  # every minute, 5 periods: amber
    run(account, "mappings", ago=timedelta(minutes=60))  # every 5 minutes, 12 periods: red
    run(account, "license", ago=timedelta(hours=1))  # daily: fine
    run(account, "orders", "failed", ago=timedelta(hours=1))
    run(account, "inventory", "failed", ago=timedelta(hours=2))
    run(account, "orders", "failed", ago=timedelta(hours=25))  # outside the 24 hours
    sku = make_sku()
    make_order(account, order_progress=100, request_price=1000)
    make_order(account, order_progress=100, request_price=2000)
    waiting = make_order(account, [(None, 1), (sku, 1)], order_progress=300, request_price=3000,
                         state="needs_attention", attention_reasons=["unmatched_line"])
    OrderLine.objects.filter(order=waiting, sku=None).update(needs_attention=True)
    make_order(account, order_progress=900, state="cancelled", request_price=5000)  # today, but no sale
    shipped = make_order(account, [(None, 1)], order_progress=300, state="shipped", ordered_at=now - timedelta(days=2))
    OrderLine.objects.filter(order=shipped).update(needs_attention=True)  # not an active order: not counted
    make_order(account, order_progress=500, state="shipped", ordered_at=now - timedelta(days=2))
    package = waiting.packages.get()
    for state in (ReportState.PENDING, ReportState.ERROR, ReportState.REPORTED):
        Shipment.objects.create(order=waiting, package=package, delivery_company="1001", tracking_number=state,
                                shipped_on=date.today(), report_state=state)
    for event, status in (("new_order", "queued"), ("shipped", "queued"), ("cancelled", "held"),
                          ("follow_up", "unknown"), ("new_order_x", "sent")):
        BuyerMessage.objects.create(order=waiting if event != "new_order_x" else shipped, event=event[:9],
                                    status=status, subject="s", body="b", recipient="buyer@example.com")
    make_mapping(account, "item-a", "v1", sku, status="error")
    make_mapping(account, "item-a", "v2", make_sku(), status="error")
    make_mapping(account, "item-b", "v1", make_sku(), status="ok")
    pending = PendingInventoryPush.objects.create(account=account, sku=sku)
    PendingInventoryPush.objects.filter(pk=pending.pk).update(created_at=now - timedelta(minutes=3))
    return account


@pytest.fixture
def seeded(make_account, make_order, make_mapping, make_sku, make_store):
    store = make_store()
    busy = seed_busy_account(make_account, make_order, make_mapping, make_sku, store)
    quiet = make_account("楽天B店", stores=[store], job_push_inventory=False)
    return SimpleNamespace(busy=busy, quiet=quiet)


def states_of(response) -> dict:
    return {state.account.name: state for state in response.context["account_states"]}


def test_each_figure_of_each_account_and_the_list_its_link_opens(admin_client, seeded):
    response = admin_client.get("/admin/")
    assert response.status_code == 200
    html = response.content.decode()
    busy, quiet = states_of(response)["楽天A店"], states_of(response)["楽天B店"]
    figures = {figure.key: figure for figure in busy.figures}
    assert list(figures) == FIGURES
    expected = {"failed_runs": 2, "to_confirm": 2, "to_ship": 1, "unmatched_lines": 1, "mapping_errors": 2,
                "unreported_shipments": 2, "orders_today": 4, "sales_today": 6000,
                "messages_queued": 2, "messages_held": 1, "messages_failed": 0, "messages_unknown": 1}
    assert {key: digits(figures[key].text) for key in expected} == expected
    assert figures["sales_today"].text == "¥6,000"
    assert figures["oldest_push"].level == "warn" and "3" in figures["oldest_push"].text
    assert figures["failed_runs"].level == figures["mapping_errors"].level == "bad"
    # The lists behind the figures: what each link opens holds exactly what the figure counts.
    listed = {"failed_runs": 2, "to_confirm": 2, "to_ship": 1, "unmatched_lines": 1, "mapping_errors": 2,
              "orders_today": 4, "sales_today": 4, "oldest_push": 2, "messages_queued": 2, "messages_held": 1,
              "messages_unknown": 1, "unreported_shipments": 2}
    for key, count in listed.items():
        page = admin_client.get(figures[key].url)
        assert page.status_code == 200, key  # an unknown filter would redirect to ?e=1
        assert page.context["cl"].result_count == count, key
        assert escape(figures[key].url) in html
    quiet_figures = {figure.key: figure for figure in quiet.figures}
    assert {key: digits(quiet_figures[key].text) for key in expected} == dict.fromkeys(expected, 0)
    assert all(figure.level == "zero" for figure in quiet.figures)
    for key in listed:
        assert admin_client.get(quiet_figures[key].url).context["cl"].result_count == 0, key


def test_status_licence_and_the_age_of_each_jobs_last_success(admin_client, seeded):
    busy, quiet = states_of(admin_client.get("/admin/")).values()
    assert (busy.status_level, busy.licence_level) == ("ok", "ok") and "45" in busy.licence
    assert quiet.status_level == "amber" and quiet.licence_level == "amber"  # unchecked, expiry not known yet
    jobs = {job.kind: job for job in busy.jobs}
    assert list(jobs) == list(job_periods()) == ["orders", "open-orders", "inventory", "shipments", "messages",
                                                 "mappings", "license", "catalogue", "prices"]
    levels = {kind: job.level for kind, job in jobs.items()}
    assert levels == {"orders": "ok", "open-orders": "red", "inventory": "amber", "shipments": "red",
                      "messages": "red", "mappings": "red", "license": "ok", "catalogue": "none",
                      "prices": "red"}  # no success in 2 days
    assert jobs["open-orders"].last is None and jobs["orders"].last is not None
    quiet_levels = {job.kind: job.level for job in quiet.jobs}
    assert quiet_levels.pop("inventory") == "off"  # 在庫更新 switched off
    assert set(quiet_levels.values()) == {"none"}  # set up just now: not run yet, and not late either
    assert admin_client.get(jobs["orders"].url).context["cl"].result_count == 3  # its runs, failed ones too


def test_a_paused_or_invalid_account_is_red(admin_client, make_account):
    from accounts.services import pause_for_auth_failure

    account = make_account("楽天停止店")
    pause_for_auth_failure(account, "rejected")
    (state,) = admin_client.get("/admin/").context["account_states"]
    assert state.status_level == "red"


def test_the_page_costs_the_same_queries_for_two_accounts_as_for_six(admin_client, seeded, make_account,
                                                                     make_order, make_mapping, make_sku, make_store):
    admin_client.get("/admin/")
    with CaptureQueriesContext(connection) as two:
        admin_client.get("/admin/")
    store = make_store()
    for n in range(4):
        account = make_account(f"楽天追加{n}", stores=[store])
        make_order(account, [(None, 1)], order_progress=300)
        make_mapping(account, "item", "v1", make_sku(), status="error")
        run(account, "orders", ago=timedelta(minutes=1))
    with CaptureQueriesContext(connection) as six:
        response = admin_client.get("/admin/")
    assert len(response.context["account_states"]) == 6
    assert len(six.captured_queries) == len(two.captured_queries)


def test_staff_see_only_the_figures_of_lists_they_may_view(client, seeded):
    staff = User.objects.create_user("viewer", password="pw", is_staff=True)
    client.force_login(staff)
    assert client.get("/admin/").context["account_states"] is None
    staff.user_permissions.add(Permission.objects.get(codename="view_ecaccount"))
    states = client.get("/admin/").context["account_states"]
    assert [state.account.name for state in states] == ["楽天A店", "楽天B店"]
    assert all(state.figures == [] and state.jobs == [] for state in states)
    staff.user_permissions.add(Permission.objects.get(codename="view_order"))
    (busy, _quiet) = client.get("/admin/").context["account_states"]
    assert [figure.key for figure in busy.figures] == ["to_confirm", "to_ship", "unmatched_lines",
                                                       "unreported_shipments", "orders_today", "sales_today"]


def test_our_groups_come_before_the_other_libraries_and_django_q2_last(admin_client, db):
    labels = [app["app_label"] for app in admin_client.get("/admin/").context["app_list"]]
    assert set(labels[:4]) == {"accounts", "orders", "inventory", "rakuten_link"}
    assert labels[-1] == "django_q"


def test_no_account_yet_says_so(admin_client, db):
    response = admin_client.get("/admin/")
    assert response.context["account_states"] == []
    assert 'href="/admin/accounts/ecaccount/add/"' in response.content.decode()


def test_the_dashboard_needs_a_login(client, db):
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_orders_of_other_days_and_accounts_are_not_today(admin_client, seeded, make_order):
    make_order(seeded.quiet, ordered_at=timezone.now() - timedelta(days=1, hours=1), request_price=700)
    states = states_of(admin_client.get("/admin/"))
    figures = {figure.key: figure for figure in states["楽天B店"].figures}
    assert digits(figures["orders_today"].text) == 0 and Order.objects.filter(account=seeded.quiet).count() == 1
