"""Fixtures for the integration API: tokens and a client that sends them."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from django.test import Client

from api.tokens import create_token

# The sandbox fixtures of the Rakuten tests, for the end-to-end tests here (test_rakuten.py).
from tests.rakuten_link.conftest import account, make_mapping, order_shop, rakuten_stock, rms, rms_orders  # noqa: F401
from tests.rakuten_link.shipping.report.conftest import make_orders, report, rows_in_rms  # noqa: F401

ALL_SCOPES = ["stock:read", "stock:write", "orders:read", "shipments:write"]


class ApiClient:
    """JSON in, response out; ``token`` is sent as a bearer token unless None."""

    def __init__(self, secret: str | None) -> None:
        self.client, self.secret = Client(), secret

    def call(self, method: str, path: str, body=None, *, raw: bytes | None = None, headers: dict | None = None):
        extra = {"HTTP_AUTHORIZATION": f"Bearer {self.secret}"} if self.secret else {}
        for name, value in (headers or {}).items():
            extra["HTTP_" + name.upper().replace("-", "_")] = value
        data = raw if raw is not None else (json.dumps(body) if body is not None else None)
        kwargs = {"data": data, "content_type": "application/json"} if data is not None else {}
        return getattr(self.client, method)(f"/api/v1{path}", **kwargs, **extra)

    def get(self, path, **kw):
        return self.call("get", path, **kw)

    def post(self, path, body=None, **kw):
        return self.call("post", path, body, **kw)

    def put(self, path, body=None, **kw):
        return self.call("put", path, body, **kw)


@pytest.fixture(autouse=True)
def _fresh_rate_counts():
    cache.clear()


@pytest.fixture
def make_token(db):
    def make(name: str = "till-1", scopes=None, **fields):
        return create_token(name=name, scopes=scopes or ALL_SCOPES, **fields)

    return make


@pytest.fixture
def client_for(make_token):
    def make(name: str = "till-1", scopes=None, **fields) -> ApiClient:
        _token, secret = make_token(name, scopes, **fields)
        return ApiClient(secret)

    return make


@pytest.fixture
def api(client_for) -> ApiClient:
    return client_for()
