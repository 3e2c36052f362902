"""A scripted stand-in for RMS on 127.0.0.1, for testing the client's HTTP seam. Holds no tests.

Each request is recorded and answered by the next scripted ``Reply`` (or by a handler function), which can
also sleep past the client's read timeout, drop the connection, or cut the body short.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

SECRET = "SP123456_s3cretServiceValue"
LICENSE = "SL123456_licenseKeyValue42"


@dataclass
class Reply:
    status: int = 200
    body: Any = None  # dict/list → JSON, str → sent as is, None → empty
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    drop: bool = False  # close the socket without answering
    truncate: bool = False  # announce a longer body than is sent, then close


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: Any
    at: float


class StubRms:
    """``with StubRms() as rms:`` starts the server; ``rms.url`` is the base URL for ``RmsClient``."""

    def __init__(self, handler: Callable[[Recorded], Reply] | None = None) -> None:
        self.handler = handler
        self.script: deque[Reply] = deque()
        self.requests: list[Recorded] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _make_handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,), daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def reply(self, status: int = 200, body: Any = None, **kwargs: Any) -> StubRms:
        self.script.append(Reply(status, body, **kwargs))
        return self

    def answer(self, request: Recorded) -> Reply:
        self.requests.append(request)
        if self.script:
            return self.script.popleft()
        if self.handler is not None:
            return self.handler(request)
        return Reply(500, {"errors": [{"code": "STUB", "message": "nothing scripted"}]})

    def __enter__(self) -> StubRms:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


def _make_handler(stub: StubRms) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # silence stderr
            pass

        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            parts = urlsplit(self.path)
            body = json.loads(raw.decode("utf-8")) if raw else None
            request = Recorded(
                self.command, parts.path, parse_qs(parts.query), dict(self.headers), body, time.monotonic()
            )
            reply = stub.answer(request)
            if reply.delay:
                time.sleep(reply.delay)
            if reply.drop:
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            self._send(reply)

        def _send(self, reply: Reply) -> None:
            if isinstance(reply.body, str):
                payload = reply.body.encode("utf-8")
            else:
                payload = b"" if reply.body is None else json.dumps(reply.body, ensure_ascii=False).encode()
            self.send_response(reply.status)
            content_type = "text/html" if isinstance(reply.body, str) else "application/json;charset=utf-8"
            self.send_header("Content-Type", content_type)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload) + (100 if reply.truncate else 0)))
            self.end_headers()
            self.wfile.write(payload)
            if reply.truncate:
                self.wfile.flush()
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle

    return Handler


def closed_port() -> int:
    """A local port with nothing listening (connect is refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def control(server: Any, method: str, path: str, body: Any = None) -> Any:
    """Call the sandbox's ``/_sandbox/<path>`` remote control; fails the test on an error answer."""
    import requests

    response = requests.request(method, f"{server.url}/_sandbox/{path}", json=body, timeout=30)
    assert response.status_code < 300, response.text
    return response.json() if response.content else None
