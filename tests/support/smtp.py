"""A real local SMTP relay that requires AUTH, standing in for 楽天あんしんメルアド (sub.fw.rakuten.ne.jp).

``smtp_relay`` starts aiosmtpd on a free port, points RAKUTEN_SMTP_* at it (STARTTLS off: no
certificate locally) and records what it accepted. It accepts one login (``LOGIN``/``PASSWORD``) and
refuses a sender outside ``relay.allowed_senders`` with 552, as the real relay does. A recipient in
``relay.data_refusals`` gets that reply (e.g. ``554 5.7.1 …``) after DATA: the message is refused and not kept.
"""

from __future__ import annotations

import socket
from email import message_from_bytes, policy

import pytest

LOGIN, PASSWORD = "smtp-user", "smtp-secret"


class Relay:
    def __init__(self) -> None:
        self.allowed_senders = {"shop@example.com"}
        self.received: list = []  # parsed e-mail messages, with .envelope_from / .envelope_to
        self.logins: list[str] = []
        self.data_refusals: dict[str, str] = {}  # recipient → the reply to its DATA instead of 250

    # aiosmtpd authenticator: called with the mechanism and the login data
    def __call__(self, server, session, envelope, mechanism, auth_data):
        from aiosmtpd.smtp import AuthResult

        login = auth_data.login.decode() if isinstance(auth_data.login, bytes) else auth_data.login
        password = auth_data.password.decode() if isinstance(auth_data.password, bytes) else auth_data.password
        self.logins.append(login)
        return AuthResult(success=(login, password) == (LOGIN, PASSWORD), handled=False)  # False: 535 is sent

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if address not in self.allowed_senders:
            return f"552 5.2.0 <{address}>... sender rejected"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        refusal = next((self.data_refusals[to] for to in envelope.rcpt_tos if to in self.data_refusals), None)
        if refusal:
            return refusal
        mail = message_from_bytes(envelope.content, policy=policy.default)
        mail.envelope_from, mail.envelope_to = envelope.mail_from, list(envelope.rcpt_tos)
        self.received.append(mail)
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_relay(settings):
    from aiosmtpd.controller import Controller

    relay = Relay()
    port = _free_port()
    controller = Controller(relay, hostname="127.0.0.1", port=port, authenticator=relay, auth_required=True,
                            auth_require_tls=False, auth_exclude_mechanism=["LOGIN"])
    controller.start()
    settings.RAKUTEN_SMTP_HOST, settings.RAKUTEN_SMTP_PORT, settings.RAKUTEN_SMTP_STARTTLS = "127.0.0.1", port, False
    try:
        yield relay
    finally:
        controller.stop()
