"""Records made by the real code for the Japanese page walk: an order's change history, an account's history,
a run of every job kind (one a failed messages run with a DNS error) and a mail of every alert kind.

Nothing here is written by hand into the tables the pages show: the sync, the admin form and the alert
senders write them, as on the demo.
"""

from __future__ import annotations

import smtplib
import socket
from datetime import timedelta

from django.core import mail
from django.test import Client
from django.utils import timezone

from accounts.models import EcAccount
from orders.models import Order
from tests.conftest import ACCOUNT_INLINES, DEMO_LICENSE, DEMO_SECRET

DNS_ERROR = socket.gaierror(-2, "Name or service not known")


def order_history(rms_orders, account: EcAccount) -> Order:
    """An order fetched at 100, then moved to 300 and to 500 (shipping reported, a tracking row, new address)."""
    from rakuten_link.sync.jobs import run_account_job

    number, = rms_orders.create({"PackageModelList": [{"ItemModelList": [
        {"manageNumber": "tee01", "variantId": "tee01-m-blk", "units": 2}]}]})
    run_account_job(account, "orders")
    rms_orders.advance(number, 300)
    run_account_job(account, "open-orders")
    rms_orders.progress(number, 500)
    sent = rms_orders.get(number)
    package = sent["PackageModelList"][0]
    package["SenderModel"]["city"] = "港区"
    package["ShippingModelList"] = [{"shippingDetailId": 77, "deliveryCompany": "1001",
                                     "shippingNumber": "123412341234", "shippingDate": "2025-01-02"}]
    rms_orders.patch(number, {"OrdererModel": {"city": "港区"}, "memo": "ギフト包装",
                              "PackageModelList": sent["PackageModelList"]})
    run_account_job(account, "open-orders")
    return Order.objects.get(account=account, order_number=number)


def account_history(user, account: EcAccount) -> None:
    """Save the account page twice through the admin, changing several fields, the secrets among them."""
    client = Client()
    client.force_login(user)
    data = {"name": account.name, "stores": [s.pk for s in account.stores.all()], "shop_url": account.shop_url,
            "service_secret": "", "license_key": "", "smtp_id": "", "smtp_password": "", "smtp_from_address": "",
            "tax_rounding": "floor", "job_fetch_orders": "on", "safety_stock": "0",
            "alert_email": "alerts@example.com", "invoice_issuer_name": "", "invoice_registration_number": "",
            "prohibited_words": "", **ACCOUNT_INLINES}
    page = f"/admin/accounts/ecaccount/{account.pk}/change/"
    from orders.models import MailTemplate

    template = MailTemplate.objects.create(name="キャンセル", subject="キャンセルのお知らせ", body="{order_number}")
    changed = {"safety_stock": "3", "prohibited_words": "最安値\n日本一", "smtp_id": "shop-smtp",
               "smtp_password": "smtp-secret-1", "smtp_from_address": "shop@example.com",
               "template_cancelled": str(template.pk), "follow_up_days": "7"}
    for values in (changed, {"service_secret": DEMO_SECRET, "license_key": DEMO_LICENSE}):
        data.update(values)
        response = client.post(page, data, HTTP_ACCEPT_LANGUAGE="ja")
        assert response.status_code == 302, response.content.decode()[:3000]


def every_job_run(account: EcAccount, monkeypatch) -> dict[str, int]:
    """One run of each job kind against the sandbox; messages fail on a relay name that does not resolve."""
    from orders.models import BuyerMessage
    from rakuten_link.models import JobKind
    from rakuten_link.sync.jobs import run_account_job

    EcAccount.objects.filter(pk=account.pk).update(smtp_id="shop-smtp", smtp_from_address="shop@example.com")
    order = Order.objects.filter(account=account).first()
    BuyerMessage.objects.create(order=order, event="new_order", recipient="b***@example.com", subject="ご注文",
                                body="ありがとうございます。")

    def unreachable(*_args, **_kwargs):
        raise DNS_ERROR

    monkeypatch.setattr(smtplib, "SMTP", unreachable)
    account.refresh_from_db()
    return {kind: run_account_job(account, kind).pk for kind in JobKind.values}


def every_alert_mail(account: EcAccount) -> list[tuple[str, str]]:
    """A mail of each alert kind, sent by the code that sends it: [(subject, body)]."""
    from rakuten_link.alerts import send_alert
    from rakuten_link.alerts.sending import resolve_alert
    from rakuten_link.alerts.silence import _messages_silence, _orders_silence, _relay_silence, _stock_silence
    from rakuten_link.models import SyncRun
    from rakuten_link.rms.errors import RmsAuthError
    from rakuten_link.shipping.report.outcome import Tally
    from rakuten_link.shipping.report.report import alert_refusals
    from rakuten_link.sync import abandoned, license, runner
    from rakuten_link.sync.messages import send
    from rakuten_link.sync.orders.followup import alert_fetch_failure, alert_problems
    from rakuten_link.sync.orders.upsert import BatchOutcome
    from rakuten_link.wording import network_error

    mail.outbox = []
    now = timezone.now()
    connection = "RMS rpay.order.searchOrder: connection failed (ConnectionError)"
    alert_fetch_failure(account, connection)
    alert_problems(account, BatchOutcome(unmatched=[("000001-20250101-00000001", "tee99", "tee99-x", "Tシャツ")],
                                         unmapped_payments=[("000001-20250101-00000002", 17, "PayPal")]))
    failed = SyncRun.objects.create(account=account, kind="inventory", status="failed", error=connection,
                                    summary=connection, finished_at=now)
    runner.alert_failed(failed)
    runner.pause_after_auth_failure(account, RmsAuthError("RMS rpay.order.searchOrder failed (HTTP 401): "
                                                          "ES01-01: Un-Authorised", http_status=401, code="ES01-01"))
    EcAccount.objects.filter(pk=account.pk).update(license_expires_at=now + timedelta(days=5))
    account.refresh_from_db()
    license.send_license_reminder(account)
    alert_refusals(account, Tally(refused=1, refusals=[("000001-20250101-00000001", "ES04-01: 配送会社が不正です")]))
    send._refused_login(account, smtplib.SMTPAuthenticationError(535, b"5.7.8 Authentication credentials invalid"))
    for silence, kind in ((_orders_silence(now - timedelta(minutes=15), now - timedelta(hours=1), now),
                           "silent_orders"),
                          (_stock_silence(now - timedelta(minutes=9), 3, now), "silent_stock"),
                          (_messages_silence(now - timedelta(minutes=40), 2, now), "silent_messages")):
        send_alert(account, kind=kind, subject=silence.subject, body=silence.body)
    # The same kind when every run fails on a relay that cannot be reached, with the error the runs stored.
    relay = _relay_silence(now - timedelta(minutes=5), network_error(DNS_ERROR), 2, now)
    send_alert(account, kind="silent_messages", subject=relay.subject, body=relay.body, throttle=None)
    running = SyncRun.objects.create(account=account, kind="shipments", started_at=now - timedelta(minutes=5))
    running.error = abandoned.interrupted_reason(KeyboardInterrupt())
    abandoned.alert_interrupted(running)
    abandoned.close_abandoned_runs(account, "shipments")
    resolve_alert(account, "silent_orders", "注文の取得が再開しました。")
    return [(message.subject, message.body) for message in mail.outbox]
