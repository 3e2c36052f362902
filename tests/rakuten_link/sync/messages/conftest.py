"""Fixtures of the buyer-message job tests: an account that mails through the local relay, new sandbox orders."""

from datetime import timedelta

import pytest
from django.utils import timezone

from orders.models import BuyerMessage, MailTemplate, MessageStatus
from rakuten_link.sync.jobs import run_account_job
from rakuten_link.sync.messages.send import STALE_SENDING_SECONDS
from tests.support.smtp import LOGIN, PASSWORD

BUYER = "abc123@pc.fw.rakuten.ne.jp"


@pytest.fixture
def template(db) -> MailTemplate:
    return MailTemplate.objects.create(name="ご注文確認",
                                       subject="【{店舗名}】ご注文ありがとうございます（{注文番号}）",
                                       body="{購入者名} 様\n\n{商品明細}\n合計 {合計}")


@pytest.fixture
def mailing_account(order_shop, template):
    account = order_shop.account
    account.smtp_id, account.smtp_password, account.smtp_from_address = LOGIN, PASSWORD, "shop@example.com"
    account.template_new_order = template
    account.save()
    return account


def new_order(rms_orders, **fields) -> str:
    number, = rms_orders.create({"OrdererModel": {"emailAddress": BUYER}, **fields})
    return number


def fetch(account):
    run = run_account_job(account, "orders")
    assert run.status == "success", run.error


def send(account):
    return run_account_job(account, "messages")




def age_sending_rows() -> None:
    """Make every 'sending' row older than any live send: what a dead worker's row looks like later."""
    BuyerMessage.objects.filter(status=MessageStatus.SENDING).update(
        sending_since=timezone.now() - timedelta(seconds=STALE_SENDING_SECONDS + 1))
