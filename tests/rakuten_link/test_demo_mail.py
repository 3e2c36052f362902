"""The demo's local relay: approved buyer messages really go out over SMTP AUTH and land as .eml files."""

import socket
import warnings
from email import message_from_bytes, policy

import pytest

from orders import outbox
from orders.models import BuyerMessage, MessageStatus
from rakuten_link.demo import load_demo_data
from rakuten_link.demo_mail import start_relay
from rakuten_link.sync.jobs import run_account_job


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def relay(tmp_path, settings):
    port = free_port()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        controller = start_relay(tmp_path / "demo-mail", port, "demo-smtp", "demo-smtp-password")
    settings.RAKUTEN_SMTP_HOST, settings.RAKUTEN_SMTP_PORT, settings.RAKUTEN_SMTP_STARTTLS = "127.0.0.1", port, False
    yield tmp_path / "demo-mail"
    controller.stop()


def held_message(account, make_order) -> BuyerMessage:
    return BuyerMessage.objects.create(order=make_order(account), event="new_order", status=MessageStatus.HELD,
                                       subject="【楽天デモ店】ご注文ありがとうございます",
                                       body="山田 様\n\nご注文を承りました。",
                                       recipient="abc@pc.fw.rakuten.ne.jp")


def test_an_approved_demo_message_is_sent_and_kept_as_an_eml_file(db, relay, make_order):
    account = load_demo_data()
    message = held_message(account, make_order)
    run_account_job(account, "messages")
    assert list(relay.glob("*.eml")) == []  # held: staff approve first

    assert outbox.approve(message)
    run = run_account_job(account, "messages")
    assert run.status == "success", run.error
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    eml, = relay.glob("*.eml")
    mail = message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert str(mail["Subject"]) == message.subject and mail["To"] == "abc@pc.fw.rakuten.ne.jp"
    assert mail.get_content().replace("\r\n", "\n").strip() == message.body.strip()


def test_the_demo_relay_refuses_another_login(db, relay, make_order):
    account = load_demo_data()
    account.smtp_password = "wrong"
    account.save()
    message = held_message(account, make_order)
    outbox.approve(message)
    run = run_account_job(account, "messages")
    assert run.status == "failed" and "535" in run.error
    assert list(relay.glob("*.eml")) == []
