"""Inventory rows (Inventory API 2.0): one per (manageNumber, variantId) and shop.

manageNumber is folded to lower case on the way in, as RMS does; variantId is case-sensitive.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from . import clock
from .state import SandboxState

MAX_QUANTITY = 99_999


def row_json(row: dict[str, Any]) -> dict[str, Any]:
    """The API shape of a stored row."""
    return {
        "manageNumber": row["manageNumber"],
        "variantId": row["variantId"],
        "quantity": row["quantity"],
        "created": clock.format_iso(row["created"]),
        "updated": clock.format_iso(row["updated"]),
    }


def put_quantity(
    state: SandboxState, shop: str, manage_number: str, variant_id: str, quantity: int, at: datetime
) -> bool:
    """Set a row's quantity, creating the row if needed; returns True when it was created."""
    rows = state.inventory_of(shop)
    key = (manage_number.lower(), variant_id)
    row = rows.get(key)
    if row is None:
        rows[key] = {
            "manageNumber": key[0],
            "variantId": variant_id,
            "quantity": quantity,
            "created": at,
            "updated": at,
        }
        return True
    row["quantity"] = quantity
    row["updated"] = at
    return False


def quantity_of(state: SandboxState, shop: str, manage_number: str, variant_id: str) -> int | None:
    """Rakuten's count of one SKU, or None when the SKU has no inventory row (the sandbox then does not limit it)."""
    row = state.inventory_of(shop).get((manage_number.lower(), variant_id))
    return None if row is None else row["quantity"]


def shortages(state: SandboxState, order: dict[str, Any]) -> list[str]:
    """`manageNumber/variantId: N ordered, M in stock` for each SKU the order wants more of than Rakuten holds."""
    shop = order["orderNumber"][:6]
    wanted: dict[tuple[str, str], int] = {}
    for manage_number, variant_id, units, _line in order_sku_lines(order):
        key = (manage_number.lower(), variant_id)
        wanted[key] = wanted.get(key, 0) + units
    short = []
    for (manage_number, variant_id), units in wanted.items():
        left = quantity_of(state, shop, manage_number, variant_id)
        if left is not None and units > left:
            short.append(f"{manage_number}/{variant_id}: {units} ordered, {left} in stock")
    return short


def order_sku_lines(order: dict[str, Any]) -> list[tuple[str, str, int, dict[str, Any]]]:
    """(manageNumber, variantId, units, line) for every line that names a SKU."""
    result = []
    for package in order["PackageModelList"]:
        for line in package["ItemModelList"]:
            skus = line.get("SkuModelList") or []
            if skus and skus[0].get("variantId"):
                result.append((line["manageNumber"], skus[0]["variantId"], line["units"], line))
    return result


def adjust_for_order(
    state: SandboxState,
    order: dict[str, Any],
    sign: int,
    at: datetime,
    lines: list[tuple[str, str, int, dict[str, Any]]] | None = None,
) -> None:
    """Move stock for an order's SKUs (-1 on purchase, +1 on restore); only existing rows change.

    Rakuten keeps its own count and changes it when buyers order, which is exactly why a back
    office must push ABSOLUTE quantities instead of trusting what it pushed last time.
    """
    shop = order["orderNumber"][:6]
    rows = state.inventory_of(shop)
    for manage_number, variant_id, units, _line in lines if lines is not None else order_sku_lines(order):
        row = rows.get((manage_number.lower(), variant_id))
        if row is None:
            continue
        row["quantity"] = min(max(row["quantity"] + sign * units, 0), MAX_QUANTITY)
        row["updated"] = at
