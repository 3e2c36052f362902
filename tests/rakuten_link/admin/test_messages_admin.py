"""The mail-template and outbox admin: placeholders refused on save, preview against an order, audited actions."""

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from orders.models import BuyerMessage, MailTemplate, MessageEvent, MessageStatus
from rakuten_link.admin.messages import masked_address


@pytest.fixture
def template(db):
    return MailTemplate.objects.create(name="発送完了", subject="発送しました（{注文番号}）",
                                       body="{購入者名} 様\n{商品明細}\n配送会社: {配送会社}")


@pytest.fixture
def message(account, make_order):
    order = make_order(account, buyer_name="楽天 太郎", buyer_email="abcdef0123@pc.fw.rakuten.ne.jp")
    return BuyerMessage.objects.create(order=order, event=MessageEvent.NEW_ORDER, status=MessageStatus.HELD,
                                       subject="s", body="b", recipient=order.buyer_email)


def test_saving_a_template_with_an_unknown_placeholder_is_refused(admin_client):
    response = admin_client.post(reverse("admin:orders_mailtemplate_add"),
                                 {"name": "x", "subject": "{注文番号}", "body": "{order.buyer_email} {購入者}"})
    assert response.status_code == 200 and not MailTemplate.objects.exists()
    errors = str(response.context["adminform"].form.errors["body"])
    assert "{購入者}" in errors and "{お問い合わせ番号}" in errors


def test_the_preview_renders_the_template_against_a_real_order(admin_client, template, message):
    url = reverse("admin:orders_mailtemplate_preview", args=[template.pk])
    response = admin_client.get(url, {"order_number": message.order.order_number})
    assert response.status_code == 200
    rendered = response.context["rendered"]
    assert rendered["subject"] == f"発送しました（{message.order.order_number}）"
    assert rendered["body"].startswith("楽天 太郎 様")
    assert BuyerMessage.objects.count() == 1  # a preview queues nothing


def test_the_outbox_masks_the_recipient(admin_client, message):
    response = admin_client.get(reverse("admin:orders_buyermessage_changelist"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "abc•••@pc.fw.rakuten.ne.jp" in content and "abcdef0123@" not in content
    assert masked_address("") == "—"


def test_approve_resend_and_mark_sent_go_through_the_outbox_and_are_audited(admin_client, message):
    url = reverse("admin:orders_buyermessage_changelist")
    admin_client.post(url, {"action": "resend_messages", "_selected_action": [message.pk]})
    message.refresh_from_db()
    assert message.status == MessageStatus.HELD  # held is approved, not resent
    admin_client.post(url, {"action": "approve_messages", "_selected_action": [message.pk]})
    message.refresh_from_db()
    assert message.status == MessageStatus.QUEUED
    BuyerMessage.objects.filter(pk=message.pk).update(status=MessageStatus.UNKNOWN)
    admin_client.post(url, {"action": "mark_messages_sent", "_selected_action": [message.pk]})
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and message.sent_at is not None
    assert LogEntry.objects.filter(object_id=str(message.pk)).count() == 2
