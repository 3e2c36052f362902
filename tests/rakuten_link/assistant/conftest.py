"""make_catalogue: a pulled Rakuten catalogue written directly (the catalogue job's tables), for the assistant."""

from __future__ import annotations

import pytest
from django.utils import timezone

from rakuten_link.models import CatalogueItem, CatalogueVariant


@pytest.fixture
def make_catalogue(db):
    """make_catalogue(account, {"tee01": [dict(variant_id=..., merchant_sku_id=..., selectors=...), ...]}, **item)."""

    def make(account, items: dict, **item_fields) -> list[CatalogueVariant]:
        now, variants = timezone.now(), []
        for manage_number, rows in items.items():
            values = {"item_number": manage_number.upper(), "title": f"{manage_number} の商品", **item_fields}
            item = CatalogueItem.objects.create(account=account, manage_number=manage_number, pulled_at=now, **values)
            for row in rows:
                variants.append(CatalogueVariant.objects.create(item=item, account=account, pulled_at=now, **row))
        return variants

    return make
