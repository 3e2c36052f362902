"""Fixtures for listing tests: a product with SKUs and options, and the account's template 標準 ready to send."""

from __future__ import annotations

import pytest

from inventory.models import Product, Sku


@pytest.fixture
def make_product(db):
    def make(code: str = "TEE01", *, price: int | None = 3300, options: list[dict] | None = None,
             name: str = "Tシャツ") -> Product:
        product = Product.objects.create(code=code, name=name, price=price)
        for n, values in enumerate(options if options is not None else [{"サイズ": "M"}, {"サイズ": "L"}], 1):
            Sku.objects.create(code=f"{code}-{n}", product=product, name=f"{name} {n}", options=values)
        return product

    return make


@pytest.fixture
def ready_template(account):
    """The account's 標準, with the genre ID every real listing needs."""
    from rakuten_link.models import ListingTemplate

    template = ListingTemplate.objects.get(account=account, name="標準")
    template.genre_id = "100371"
    template.save()
    return template
