"""The demo's mail relay: a stand-in for 楽天あんしんメルアド (sub.fw.rakuten.ne.jp) on loopback.

It accepts SMTP AUTH without TLS (there is no certificate locally, so the demo runs with
RAKUTEN_SMTP_STARTTLS off), only for the demo account's SMTP AUTH ID and password, and delivers nothing:
each accepted message is written to a directory (var/demo-mail/) as one .eml file, so a person can open
what a buyer would have received. The outbox page of each message shows the same subject and body.
aiosmtpd comes with the dev dependencies, which the demo installs (scripts/lib.sh ensure_venv).
"""

from __future__ import annotations

import itertools
from datetime import datetime
from pathlib import Path

LOOPBACK = "127.0.0.1"


class MailDrop:
    """aiosmtpd handler and authenticator in one: one login accepted, every message kept as a file."""

    def __init__(self, directory: Path, login: str, password: str) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.login, self.password = login, password
        self._numbers = itertools.count(1)

    def __call__(self, server, session, envelope, mechanism, auth_data):
        from aiosmtpd.smtp import AuthResult

        login, password = (value.decode() if isinstance(value, bytes) else value
                           for value in (auth_data.login, auth_data.password))
        return AuthResult(success=(login, password) == (self.login, self.password), handled=False)

    async def handle_DATA(self, server, session, envelope) -> str:
        name = f"{datetime.now():%Y%m%d-%H%M%S}-{next(self._numbers):04d}.eml"
        (self.directory / name).write_bytes(envelope.original_content or envelope.content)
        return "250 Message accepted for delivery"


def start_relay(directory: Path, port: int, login: str, password: str):
    """Start the relay on 127.0.0.1:``port`` in a thread; returns the aiosmtpd Controller (call .stop())."""
    from aiosmtpd.controller import Controller

    drop = MailDrop(directory, login, password)
    controller = Controller(drop, hostname=LOOPBACK, port=port, authenticator=drop, auth_required=True,
                            auth_require_tls=False)
    controller.start()
    return controller
