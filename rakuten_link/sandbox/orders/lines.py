"""Order lines (ItemModel) built from the shop's seeded items, so orders reference real SKUs.

An order line copies what RMS copies at purchase time: title, unit price, tax rate and, since
getOrder v7, the SKU identity (`SkuModelList`: variantId, merchantDefinedSkuId, skuInfo).
"""

from __future__ import annotations

import random
import zlib
from typing import Any

from ..state.state import SandboxState
from ..state.stock import quantity_of
from .defaults import item_skeleton

# Used when a shop has no items yet, so `{"random": N}` works on an empty sandbox.
FALLBACK_ITEM: dict[str, Any] = {
    "manageNumber": "sandbox-item",
    "itemNumber": "sandbox-item",
    "title": "サンドボックス商品",
    "variants": {"sandbox-item": {"merchantDefinedSkuId": "SANDBOX-ITEM", "standardPrice": "1100"}},
}


def item_id_for(manage_number: str) -> int:
    """Rakuten's internal itemId is opaque to shops; derive a stable fake one from the manageNumber."""
    return 10_000_000 + zlib.crc32(manage_number.encode()) % 90_000_000


def sku_info(item: dict[str, Any], variant: dict[str, Any]) -> str:
    """`項目名:選択肢` lines in selector order, empty for single-SKU items (as RMS writes skuInfo)."""
    values = variant.get("selectorValues") or {}
    lines = []
    for selector in item.get("variantSelectors") or ():
        if selector.get("key") in values:
            lines.append(f"{selector.get('displayName', selector['key'])}:{values[selector['key']]}")
    return "\n".join(lines)


def _int_price(value: Any) -> int:
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return 1000


def _tax_rate(item: dict[str, Any]) -> float:
    payment = item.get("payment") or {}
    try:
        return float(payment.get("taxRate", 0.1))
    except (TypeError, ValueError):
        return 0.1


def catalogue_fields(item: dict[str, Any], variant_id: str) -> dict[str, Any]:
    """Line fields for one variant of a seeded item."""
    variant = (item.get("variants") or {}).get(variant_id) or {}
    return {
        "itemName": item.get("title", ""),
        "itemId": item_id_for(item["manageNumber"]),
        "itemNumber": item.get("itemNumber") or item["manageNumber"],
        "manageNumber": item["manageNumber"],
        "price": _int_price(variant.get("standardPrice")),
        "taxRate": _tax_rate(item),
        "inventoryType": 2 if item.get("variantSelectors") else 1,
        "SkuModelList": [
            {
                "variantId": variant_id,
                "merchantDefinedSkuId": variant.get("merchantDefinedSkuId"),
                "skuInfo": sku_info(item, variant),
            }
        ],
    }


def shop_catalogue(state: SandboxState, shop: str, restrict: list[str] | None) -> list[dict[str, Any]]:
    """Items an order may draw from: the shop's (optionally only `restrict`, else only those the config's
    `order_items_by_shop` lists), else the fallback item."""
    items = state.items_of(shop)
    restrict = restrict or state.config.order_items_by_shop.get(shop)
    if restrict:
        chosen = [items[mn.lower()] for mn in restrict if mn.lower() in items]
        if chosen:
            return chosen
    return [items[mn] for mn in sorted(items)] or [FALLBACK_ITEM]


class SoldOut(ValueError):
    """Nothing the shop sells has stock left on Rakuten, so no random order can be made."""


def _left(state: SandboxState, shop: str, item: dict[str, Any], variant_id: str,
          taken: dict[tuple[str, str], int]) -> int | None:
    """Units of one SKU still to sell (its inventory row less what this order took); None = not counted.

    Only while the sandbox keeps Rakuten's count (`order_decrements_inventory`): then, as on Rakuten,
    a SKU whose row is at 0 cannot be bought.
    """
    if not state.config.order_decrements_inventory:
        return None
    left = quantity_of(state, shop, item["manageNumber"], variant_id)
    return None if left is None else left - taken.get((item["manageNumber"].lower(), variant_id), 0)


def _in_stock(left: int | None) -> bool:
    return left is None or left > 0


def random_line(
    state: SandboxState, shop: str, rng: random.Random, restrict: list[str] | None,
    taken: dict[tuple[str, str], int] | None = None
) -> dict[str, Any]:
    """A partial line naming a random variant in stock and 1–3 units (mostly 1), no more than are left.

    ``taken`` counts what the order being built already holds of each SKU; raises SoldOut when nothing is left.
    """
    taken = {} if taken is None else taken
    sellable = {}
    for item in shop_catalogue(state, shop, restrict):
        variants = [v for v in sorted(item["variants"]) if _in_stock(_left(state, shop, item, v, taken))]
        if variants:
            sellable[item["manageNumber"]] = (item, variants)
    if not sellable:
        raise SoldOut(f"shop {shop}: no stock left on Rakuten for any item, so no order can be made")
    item, variants = rng.choice(list(sellable.values()))
    variant_id = rng.choice(variants)
    units = rng.choices((1, 2, 3), weights=(8, 3, 1))[0]
    left = _left(state, shop, item, variant_id, taken)
    units = units if left is None else min(units, left)
    key = (item["manageNumber"].lower(), variant_id)
    taken[key] = taken.get(key, 0) + units
    return {"manageNumber": item["manageNumber"], "variantId": variant_id, "units": units}


def build_line(
    state: SandboxState, shop: str, partial: dict[str, Any], rng: random.Random, restrict: list[str] | None
) -> dict[str, Any]:
    """A full ItemModel from a partial one; `variantId` at line level is accepted as a shorthand."""
    partial = dict(partial) if partial.get("manageNumber") else {**random_line(state, shop, rng, restrict), **partial}
    variant_id = partial.pop("variantId", None)
    skus = partial.get("SkuModelList") or []
    if variant_id is None and skus:
        variant_id = skus[0].get("variantId")
    line = item_skeleton(state.next_id("itemDetailId", 100_000_001))
    manage_number = str(partial["manageNumber"]).lower()
    item = state.items_of(shop).get(manage_number) or (
        FALLBACK_ITEM if manage_number == FALLBACK_ITEM["manageNumber"] else None
    )
    if item is not None:
        line.update(catalogue_fields(item, variant_id or sorted(item["variants"])[0]))
    else:
        line.update(_unknown_fields(manage_number, variant_id))
    line.update(partial)
    line["manageNumber"] = manage_number
    line["priceTaxIncl"] = line["price"] if line["includeTaxFlag"] else round(line["price"] * (1 + line["taxRate"]))
    return line


def _unknown_fields(manage_number: str, variant_id: str | None) -> dict[str, Any]:
    """A line for an item the sandbox does not know (tests of unmapped lines use these)."""
    vid = variant_id or manage_number
    return {
        "itemName": f"商品 {manage_number}",
        "itemId": item_id_for(manage_number),
        "itemNumber": manage_number,
        "price": 1000,
        "SkuModelList": [{"variantId": vid, "merchantDefinedSkuId": None, "skuInfo": ""}],
    }
