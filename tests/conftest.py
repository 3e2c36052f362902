"""Shared fixtures: explicit builders for stores, SKUs and accounts (no factory library)."""

from __future__ import annotations

import itertools

import pytest
from django.conf import settings
from django.utils import translation

from accounts.models import EcAccount
from inventory.models import Product, Sku, StockLevel, Store

pytest_plugins = ["tests.support.services", "tests.support.sandbox", "tests.support.orders", "tests.support.smtp",
                  "tests.support.clock", "tests.support.once"]

_counter = itertools.count(1)


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the project's language: a request served in English must not leak into the next test."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()

DEMO_SECRET = "SP000001_sandboxsecret"
DEMO_LICENSE = "SL000001_sandboxlicense"


@pytest.fixture
def make_store(db):
    def make(code: str | None = None, name: str | None = None) -> Store:
        n = next(_counter)
        return Store.objects.create(code=code or f"S{n:03d}", name=name or f"店舗{n}")

    return make


@pytest.fixture
def make_sku(db):
    def make(code: str | None = None, *, product: Product | None = None, name: str | None = None) -> Sku:
        n = next(_counter)
        product = product or Product.objects.create(code=f"P{n:05d}", name=f"商品{n}")
        return Sku.objects.create(code=code or f"SKU{n:05d}", product=product, name=name or f"SKU {n}")

    return make


@pytest.fixture
def set_stock(db):
    """Put a stock level directly in place for a test's starting state (bypasses the ledger on purpose)."""

    def put(store: Store, sku: Sku, on_hand: int) -> StockLevel:
        level, _ = StockLevel.objects.update_or_create(store=store, sku=sku, defaults={"on_hand": on_hand})
        return level

    return put


@pytest.fixture
def make_account(db):
    def make(name: str | None = None, *, stores=(), **fields) -> EcAccount:
        n = next(_counter)
        values = {
            "shop_url": f"https://www.rakuten.co.jp/shop{n}/",
            "service_secret": DEMO_SECRET,
            "license_key": DEMO_LICENSE,
            "alert_email": "alerts@example.com",
        }
        values.update(fields)
        account = EcAccount.objects.create(name=name or f"楽天{n}", **values)
        account.stores.set(stores)
        return account

    return make


# The account page has the buyer-message template inline; every POST must carry its management form.
ACCOUNT_INLINES = {"mail_templates-TOTAL_FORMS": "0", "mail_templates-INITIAL_FORMS": "0"}
