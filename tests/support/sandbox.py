"""pytest plugin: the RMS sandbox on a free local port, reset before every test.

`sandbox_server` lives for the whole session; `sandbox` resets its state and config (rate limits
off, no faults, seed "empty") and yields the same SandboxServer, so tests can use `sandbox.url` for
HTTP and `sandbox.state` for fast set-up. `sandbox_client` adds the demo shop's credentials and gives a small
requests-based helper. Nothing here reaches the internet.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from rakuten_link.sandbox import SandboxServer
from rakuten_link.sandbox.state.catalogue import DEMO_LICENSE_KEY, DEMO_SERVICE_SECRET, DEMO_SHOP

TIMEOUT_S = 10


def esa_header(service_secret: str, license_key: str) -> str:
    """`ESA base64(serviceSecret:licenseKey)`, the RMS Authorization header."""
    return "ESA " + base64.b64encode(f"{service_secret}:{license_key}".encode()).decode()


class RmsTestClient:
    """Raw HTTP against the sandbox as one shop; returns requests.Response so tests see everything."""

    def __init__(self, server: SandboxServer, service_secret: str, license_key: str) -> None:
        self.server = server
        self.headers = {
            "Authorization": esa_header(service_secret, license_key),
            "Content-Type": "application/json; charset=utf-8",
        }

    def call(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        headers = {**self.headers, **kwargs.pop("headers", {})}
        return requests.request(method, self.server.url + path, headers=headers, timeout=TIMEOUT_S, **kwargs)

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.call("GET", path, **kwargs)

    def post(self, path: str, json: Any = None, **kwargs: Any) -> requests.Response:
        return self.call("POST", path, json=json, **kwargs)

    def put(self, path: str, json: Any = None, **kwargs: Any) -> requests.Response:
        return self.call("PUT", path, json=json, **kwargs)

    def patch(self, path: str, json: Any = None, **kwargs: Any) -> requests.Response:
        return self.call("PATCH", path, json=json, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> requests.Response:
        return self.call("DELETE", path, **kwargs)

    def control(self, method: str, path: str, json: Any = None, **kwargs: Any) -> requests.Response:
        """A `/_sandbox/<path>` call (no auth needed)."""
        url = f"{self.server.url}/_sandbox/{path.lstrip('/')}"
        return requests.request(method, url, json=json, timeout=TIMEOUT_S, **kwargs)


@pytest.fixture(scope="session")
def sandbox_server() -> Iterator[SandboxServer]:
    server = SandboxServer(seed="empty").start()
    yield server
    server.stop()


@pytest.fixture
def sandbox(sandbox_server: SandboxServer) -> Iterator[SandboxServer]:
    sandbox_server.reset("empty")
    yield sandbox_server


@pytest.fixture
def sandbox_client(sandbox: SandboxServer) -> RmsTestClient:
    """Client for shop 000001 with the demo credentials registered (valid for 90 days)."""
    client = RmsTestClient(sandbox, DEMO_SERVICE_SECRET, DEMO_LICENSE_KEY)
    body = {"serviceSecret": DEMO_SERVICE_SECRET, "licenseKey": DEMO_LICENSE_KEY, "shop": DEMO_SHOP}
    client.control("POST", "credentials", body).raise_for_status()
    return client
