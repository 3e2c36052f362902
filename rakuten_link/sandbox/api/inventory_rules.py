"""Field rules of Inventory API 2.0 (docs/rms.md §3), returning `errors[]` entries with propertyPath.

Every check returns a list instead of raising, because bulk-upsert must report *all* problems of
a rejected request at once (and apply none of them).
"""

from __future__ import annotations

import re
from typing import Any

from ..http import error_entry, is_int
from ..state.stock import MAX_QUANTITY

KEY_CHARS = re.compile(r"^[A-Za-z0-9_-]+$")
MAX_KEY_BYTES = 32
MODES = ("ABSOLUTE", "RELATIVE")
UPSERT_FIELDS = {"manageNumber", "variantId", "mode", "quantity"}
Errors = list[dict[str, Any]]


def check_key(name: str, value: Any, path: str) -> Errors:
    """manageNumber / variantId: required, ≤ 32 bytes, [A-Za-z0-9_-]."""
    if value is None or value == "":
        return [error_entry("IE0001", f"{name} is required.", path)]
    if not isinstance(value, str):
        return [error_entry("IE0002", f"{name} must be a string.", path)]
    if len(value.encode("utf-8")) > MAX_KEY_BYTES:
        return [error_entry("IE0004", f"Max length of {name} must be within {MAX_KEY_BYTES} bytes.", path)]
    if not KEY_CHARS.match(value):
        return [error_entry("IE0002", f"{name} may contain only a-z, A-Z, 0-9, '-' and '_'.", path)]
    return []


def check_mode_quantity(entry: dict[str, Any], prefix: str) -> Errors:
    """mode ABSOLUTE|RELATIVE; quantity 0..99999 (ABSOLUTE) or a delta within ±99999 (RELATIVE)."""
    errors: Errors = []
    mode = entry.get("mode")
    if mode is None:
        errors.append(error_entry("IE0001", "mode is required.", f"{prefix}mode"))
    elif mode not in MODES:
        errors.append(error_entry("IE0002", "mode must be ABSOLUTE or RELATIVE.", f"{prefix}mode"))
    quantity = entry.get("quantity")
    low = -MAX_QUANTITY if mode == "RELATIVE" else 0
    if quantity is None:
        errors.append(error_entry("IE0001", "quantity is required.", f"{prefix}quantity"))
    elif not is_int(quantity):
        errors.append(error_entry("IE0002", "quantity must be an integer.", f"{prefix}quantity"))
    elif not low <= quantity <= MAX_QUANTITY:
        errors.append(error_entry("IE0003", f"quantity must be between {low} and {MAX_QUANTITY}.", f"{prefix}quantity"))
    return errors


def check_unknown_fields(entry: dict[str, Any], allowed: set[str], prefix: str) -> Errors:
    return [
        error_entry("IE0002", f"Unrecognized field: {key}", f"{prefix}{key}") for key in entry if key not in allowed
    ]


def resolve_quantity(row: dict[str, Any] | None, mode: str, quantity: int, prefix: str) -> tuple[int, Errors]:
    """The quantity after applying mode/quantity to `row` (None = no row yet), or the error."""
    if mode == "ABSOLUTE":
        return quantity, []
    if row is None:
        message = "RELATIVE mode cannot be used for inventory that does not exist yet."
        return 0, [error_entry("IE0500", message, f"{prefix}mode")]
    result = row["quantity"] + quantity
    if not 0 <= result <= MAX_QUANTITY:
        message = f"quantity after the update must be between 0 and {MAX_QUANTITY}."
        return 0, [error_entry("IE0117", message, f"{prefix}quantity")]
    return result, []
