"""Stock, products and SKUs as the API shows them, in pages that follow the primary key (no OFFSET)."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from inventory.models import Product, Sku, StockLevel
from rakuten_link.models import ProductMapping

from .models import ApiToken


def stock_page(token: ApiToken, *, sku: str | None, store: str | None, after: int, limit: int) -> dict[str, Any]:
    levels: QuerySet[StockLevel] = StockLevel.objects.select_related("sku", "store").filter(pk__gt=after)
    if token.store_id is not None:
        levels = levels.filter(store_id=token.store_id)
    if sku:
        levels = levels.filter(Q(sku__code=sku) | Q(sku__jan_code=sku))
    if store:
        levels = levels.filter(store__code=store)
    mappings = ProductMapping.objects.select_related("account").order_by("account__name", "manage_number")
    levels = levels.prefetch_related(Prefetch("sku__rakuten_mappings", queryset=mappings, to_attr="mappings_shown"))
    rows = list(levels.order_by("pk")[: limit + 1])
    page = rows[:limit]
    return {"stock": [_stock_row(level) for level in page],
            "next_cursor": str(page[-1].pk) if len(rows) > limit else None}


def _stock_row(level: StockLevel) -> dict[str, Any]:
    return {"sku": level.sku.code, "jan": level.sku.jan_code, "store": level.store.code, "on_hand": level.on_hand,
            "allocated": level.allocated, "available": max(level.available, 0), "updated_at": level.updated_at,
            "rakuten": [mapping_row(m) for m in getattr(level.sku, "mappings_shown", [])]}


def mapping_row(mapping: ProductMapping) -> dict[str, Any]:
    """What Rakuten sells this SKU as, and what it was last told of its quantity (and when)."""
    return {"account": mapping.account.name, "manage_number": mapping.manage_number,
            "variant_id": mapping.variant_id, "status": mapping.status,
            "last_pushed_quantity": mapping.last_pushed_quantity, "last_pushed_at": mapping.last_pushed_at}


def product_page(*, after: int, limit: int) -> dict[str, Any]:
    rows = list(Product.objects.filter(pk__gt=after).prefetch_related(
        Prefetch("skus", queryset=Sku.objects.order_by("code"))).order_by("pk")[: limit + 1])
    page = rows[:limit]
    return {"products": [{"code": p.code, "name": p.name, "price": p.price,
                          "skus": [sku_row(s) for s in p.skus.all()]} for p in page],
            "next_cursor": str(page[-1].pk) if len(rows) > limit else None}


def sku_row(sku: Sku) -> dict[str, Any]:
    return {"code": sku.code, "name": sku.name, "jan": sku.jan_code, "options": sku.options}


def sku_detail(code: str) -> dict[str, Any] | None:
    sku = Sku.objects.select_related("product").filter(Q(code=code) | Q(jan_code=code)).order_by("pk").first()
    if sku is None:
        return None
    mappings = ProductMapping.objects.filter(sku=sku).select_related("account").order_by("account__name")
    return {**sku_row(sku), "product": sku.product.code, "rakuten": [mapping_row(m) for m in mappings]}
