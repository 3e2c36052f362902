"""Parsers for Inventory API 2.x, Item API 2.0 and the license API (docs/rms.md §3, §4, §5)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .coerce import as_dict, as_int, as_list, as_str
from .dates import parse_datetime
from .types import InventoryRecord, ItemSearchPage, RmsItem, RmsVariant, VariantSelector


def parse_inventory(model: Any) -> InventoryRecord:
    """variants.get response or one ``inventories[]`` entry of bulk.get (§3)."""
    m = as_dict(model)
    quantity = m.get("quantity")
    return InventoryRecord(
        manage_number=_text(m.get("manageNumber")),
        variant_id=_text(m.get("variantId")),
        quantity=quantity if type(quantity) is int else as_int(quantity) or 0,
        created=parse_datetime(m.get("created")),
        updated=parse_datetime(m.get("updated")),
    )


def _text(value: Any) -> str:
    """``as_str``, without a call for what JSON mostly gives (a bulk answer holds 1,000 rows, a pull 20,000)."""
    return value if type(value) is str else as_str(value)


def parse_inventories(body: Any) -> list[InventoryRecord]:
    """bulk.get response ``{"inventories": [...]}``; unknown pairs are simply absent."""
    return [parse_inventory(m) for m in as_list(as_dict(body).get("inventories"))]


def _selector(model: Any) -> VariantSelector:
    m = as_dict(model)
    values = [as_str(as_dict(v).get("displayValue")) for v in as_list(m.get("values"))]
    return VariantSelector(as_str(m.get("key")), as_str(m.get("displayName")), values)


def _variant(variant_id: str, model: Any) -> RmsVariant:
    m = as_dict(model)
    values = m.get("selectorValues")
    article = m.get("articleNumber")
    return RmsVariant(
        variant_id=variant_id,
        merchant_defined_sku_id=_text(m.get("merchantDefinedSkuId")),
        selector_values={_text(k): _text(v) for k, v in values.items()} if isinstance(values, dict) else {},
        # standardPrice is a string in some responses and a number in others (§4).
        standard_price=as_int(m.get("standardPrice")),
        article_number=_text(article.get("value")).strip() if isinstance(article, dict) else "",
        hidden=m.get("hidden") is True,
    )


def legacy_choice_id(horizontal: str, vertical: str) -> str:
    """The stable id of a pre-SKU choice: ``横×縦`` (as ProductMapping shows a legacy row)."""
    return f"{horizontal}×{vertical}"


def _legacy_variants(model: Any, price: int | None) -> dict[str, RmsVariant]:
    """A pre-SKU item's 横軸/縦軸 choices (``legacyChoices``, the sandbox's rendering of Inventory API 1.0's
    HChoiceName/VChoiceName rows, docs/rms.md §3.1) as variants keyed by ``legacy_choice_id``."""
    m = as_dict(model)
    h_name, v_name = as_str(m.get("horizontalName")), as_str(m.get("verticalName"))
    variants = {}
    for choice in as_list(m.get("choices")):
        c = as_dict(choice)
        h, v = as_str(c.get("h")), as_str(c.get("v"))
        values = {name: value for name, value in ((h_name, h), (v_name, v)) if name and value}
        vid = legacy_choice_id(h, v)
        variants[vid] = RmsVariant(vid, "", values, price, pre_sku=True)
    return variants


def parse_item(model: Any) -> RmsItem:
    """items.get body or one item of bulk-get/search; deleted items in search carry only manageNumber."""
    m = as_dict(model)
    variants = {as_str(vid): _variant(as_str(vid), v) for vid, v in as_dict(m.get("variants")).items()}
    if not variants and m.get("legacyChoices"):
        variants = _legacy_variants(m["legacyChoices"], as_int(m.get("standardPrice")))
    return RmsItem(
        manage_number=as_str(m.get("manageNumber")),
        item_number=as_str(m.get("itemNumber")),
        title=as_str(m.get("title")),
        variant_selectors=[_selector(s) for s in as_list(m.get("variantSelectors"))],
        variants=variants,
        raw=m,
        hidden=m.get("hideItem") is True,
        genre_id=as_str(m.get("genreId")),
        updated=parse_datetime(m.get("updated")),
    )


def parse_bulk_items(body: Any) -> list[RmsItem]:
    """items.bulk.get response ``{"results": [item, ...]}``."""
    return [parse_item(m) for m in as_list(as_dict(body).get("results"))]


def parse_item_search(body: Any) -> ItemSearchPage:
    """items.search response: ``results[]`` wrap each item as ``{"item": {...}, "inventory"?: ...}``."""
    b = as_dict(body)
    items = []
    for entry in as_list(b.get("results")):
        e = as_dict(entry)
        items.append(parse_item(e["item"] if isinstance(e.get("item"), dict) else e))
    return ItemSearchPage(
        num_found=as_int(b.get("numFound")) or 0,
        next_cursor_mark=as_str(b.get("nextCursorMark")),
        items=items,
    )


def parse_license_expiry(body: Any) -> datetime | None:
    """license.expiryDate.get ``{"expiryDate": "2026-11-28T23:59:59"}``; naive means JST (§5)."""
    return parse_datetime(as_dict(body).get("expiryDate"))
