"""Alerts: one sender, a throttle per kind and account, a link to the admin in every mail, labelled kinds,
and one "resolved" mail when a failure that was alerted is seen to end."""

from __future__ import annotations

import ast
import re
from datetime import date
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone
from django.utils.translation import override

from orders.models import ReportState, Shipment
from rakuten_link.alerts import AlertKind, label_of, resolve_alert, send_alert
from rakuten_link.alerts.kinds import RESOLVABLE, base_kind
from rakuten_link.alerts.recovery import RECOVERIES
from rakuten_link.alerts.silence import SILENCE_CHECKS
from rakuten_link.alerts.watch import check_alerts
from rakuten_link.models import AlertLog, OpenAlert, SyncRun

ROOT = Path(__file__).resolve().parents[2] / "rakuten_link"
SITE = "https://backoffice.example.com"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


def _send(account, kind: str = AlertKind.UNMATCHED_LINES, **options) -> bool:
    return send_alert(account, kind=kind, subject="subject", body="what happened; what to do", **options)


def test_every_mail_links_to_the_admin_page_of_its_kind(account):
    assert _send(account)
    body = mail.outbox[0].body
    assert body.startswith("what happened; what to do")
    assert f"{SITE}/admin/orders/order/?account__id__exact={account.pk}&reason=unmatched_line" in body
    _send(account, AlertKind.AUTH_FAILURE, throttle=None)
    assert f"{SITE}/admin/accounts/ecaccount/{account.pk}/change/" in mail.outbox[1].body
    assert mail.outbox[1].to == ["alerts@example.com"] and account.name in mail.outbox[1].subject


def test_the_throttle_is_per_kind_and_per_account(account, make_account):
    other = make_account()
    assert _send(account) and not _send(account)
    assert _send(account, AlertKind.UNMAPPED_PAYMENT)
    assert _send(other)
    assert len(mail.outbox) == 3 and AlertLog.objects.count() == 3


def test_no_alert_address_means_no_mail_and_nothing_left_open(make_account):
    quiet = make_account(alert_email="")
    assert not _send(quiet, AlertKind.SILENT_ORDERS)
    assert mail.outbox == [] and not OpenAlert.objects.exists()


def test_kinds_have_labels_and_the_stored_variants_map_onto_them():
    with override("en"):
        assert label_of("license_reminder_30") == "licenseKey expiry reminder (30 days before)"
        assert base_kind("license_reminder_7") == AlertKind.LICENSE_REMINDER
        assert label_of("silent_orders_resolved") == "Resolved: No order fetch succeeded"
        assert label_of("shipment_refused") == str(AlertKind.SHIPMENT_REFUSED.label)
        assert label_of("something_new") == "something_new"


def _kinds_sent_in_the_source() -> set[str]:
    """Every literal kind (or the fixed part of an f-string kind) passed to send_alert in rakuten_link/."""
    kinds = set()
    for path in ROOT.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "send_alert":
                for keyword in node.keywords:
                    if keyword.arg == "kind" and isinstance(keyword.value, ast.Constant):
                        kinds.add(keyword.value.value)
                    elif keyword.arg == "kind" and isinstance(keyword.value, ast.JoinedStr):
                        kinds.add(keyword.value.values[0].value + "30")  # license_reminder_{threshold}
    return kinds


def test_every_kind_the_code_sends_is_a_known_kind_with_a_label():
    sent = _kinds_sent_in_the_source()
    assert {"auth_failure", "order_fetch_failed", "shipment_refused", "license_reminder_30"} <= sent
    assert {base_kind(kind) for kind in sent} <= set(AlertKind.values)


def test_every_kind_that_stays_open_has_a_check_that_resolves_it():
    checked = {check.kind for check in SILENCE_CHECKS} | {recovery.kind for recovery in RECOVERIES}
    assert RESOLVABLE <= checked


def test_resolving_sends_one_mail_and_lets_the_next_alert_through_at_once(account):
    assert _send(account, AlertKind.ORDER_FETCH_FAILED)
    assert OpenAlert.objects.filter(account=account, kind=AlertKind.ORDER_FETCH_FAILED).exists()
    assert resolve_alert(account, AlertKind.ORDER_FETCH_FAILED, "it works again.")
    assert not resolve_alert(account, AlertKind.ORDER_FETCH_FAILED, "it works again.")
    assert len(mail.outbox) == 2 and "it works again." in mail.outbox[1].body
    assert AlertLog.objects.filter(kind="order_fetch_failed_resolved").count() == 1
    assert _send(account, AlertKind.ORDER_FETCH_FAILED)  # within the hour, but after the recovery
    assert len(mail.outbox) == 3


def test_a_one_off_event_is_never_left_open(account):
    _send(account, AlertKind.JOB_INTERRUPTED, throttle=None)
    assert not OpenAlert.objects.exists()


def test_an_order_fetch_that_succeeds_again_resolves_its_failure_alert(account):
    _send(account, AlertKind.ORDER_FETCH_FAILED)
    SyncRun.objects.create(account=account, kind="orders", status="failed", finished_at=timezone.now())
    assert check_alerts() == (0, 0)
    SyncRun.objects.create(account=account, kind="orders", status="success", finished_at=timezone.now())
    assert check_alerts() == (0, 1)
    assert check_alerts() == (0, 0)
    assert len(mail.outbox) == 2 and mail.outbox[1].subject.endswith(label_of("order_fetch_failed_resolved"))


def test_an_auth_failure_is_resolved_once_the_account_is_valid_and_running_again(account):
    from accounts.services import pause_for_auth_failure, record_check_result

    pause_for_auth_failure(account, "rejected")
    _send(account, AlertKind.AUTH_FAILURE, throttle=None)
    assert check_alerts() == (0, 0)
    record_check_result(account, "valid")  # a re-check finds the keys valid: the pause is lifted
    assert check_alerts() == (0, 1) and len(mail.outbox) == 2


def test_refused_shipments_are_resolved_when_none_is_refused_any_more(account, make_order):
    order = make_order(account, order_progress=300)
    shipment = Shipment.objects.create(order=order, package=order.packages.get(), delivery_company="1001",
                                       tracking_number="1234", shipped_on=date.today(), report_state=ReportState.ERROR)
    _send(account, AlertKind.SHIPMENT_REFUSED)
    assert check_alerts() == (0, 0)
    Shipment.objects.filter(pk=shipment.pk).update(report_state=ReportState.REPORTED)
    assert check_alerts() == (0, 1)


def test_the_alert_list_shows_labels_and_filters_by_kind(admin_client, account):
    send_alert(account, kind="license_reminder_14", subject="reminder", body="b", throttle=None)
    _send(account, AlertKind.SILENT_STOCK)
    resolve_alert(account, AlertKind.SILENT_STOCK, "done.")
    page = admin_client.get("/admin/rakuten_link/alertlog/").content.decode()
    assert label_of("license_reminder_14") in page and label_of("silent_stock_resolved") in page
    assert "license_reminder_14" not in re.sub(r'href="[^"]*"', "", page)  # the stored code is not shown
    reminders = admin_client.get("/admin/rakuten_link/alertlog/?kind=license_reminder")
    assert [a.kind for a in reminders.context["cl"].result_list] == ["license_reminder_14"]
    resolved = admin_client.get("/admin/rakuten_link/alertlog/?kind=resolved")
    assert [a.kind for a in resolved.context["cl"].result_list] == ["silent_stock_resolved"]
