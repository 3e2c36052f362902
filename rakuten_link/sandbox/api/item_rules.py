"""Validation of Item API 2.0 bodies: the subset of RMS's rules that SKU mapping depends on.

Checked (docs/rms.md §4): title required; variants required (1..400, ids like inventory keys);
variantSelectors ≤ 6 axes of ≤ 40 values; each variant's selectorValues must name declared selector
keys and values, and give one for every axis; several variants need selectors (IE0269); ≤ 20 images.
Everything else in the large item shape is stored as sent. Codes other than IE0269 are the generic
IE0001 (missing) / IE0002 (invalid) / IE0004 (too long), as exact item codes are UNCONFIRMED.
"""

from __future__ import annotations

from typing import Any

from ..http import error_entry
from .inventory_rules import check_key

ITEM_TYPES = ("NORMAL", "PRE_ORDER", "BUYING_CLUB")
MAX_VARIANTS = 400
MAX_SELECTORS = 6
MAX_SELECTOR_VALUES = 40
MAX_IMAGES = 20
MAX_TITLE = 255
Errors = list[dict[str, Any]]


def validate_item(body: dict[str, Any]) -> Errors:
    """Every error of an item body (empty list = acceptable)."""
    errors = _title_and_type(body)
    selectors, selector_errors = _selectors(body.get("variantSelectors"))
    errors += selector_errors
    errors += _variants(body.get("variants"), selectors)
    images = body.get("images")
    if images is not None and (not isinstance(images, list) or len(images) > MAX_IMAGES):
        errors.append(error_entry("IE0002", f"images must be a list of at most {MAX_IMAGES}.", "images"))
    return errors


def _title_and_type(body: dict[str, Any]) -> Errors:
    title = body.get("title")
    if not title:
        return [error_entry("IE0001", "title is required.", "title")]
    if not isinstance(title, str):
        return [error_entry("IE0002", "title must be a string.", "title")]
    if len(title) > MAX_TITLE:
        return [error_entry("IE0004", f"Max length of title must be within {MAX_TITLE}.", "title")]
    if body.get("itemType") not in (None, *ITEM_TYPES):
        return [error_entry("IE0002", f"itemType must be one of {', '.join(ITEM_TYPES)}.", "itemType")]
    return []


def _selectors(value: Any) -> tuple[dict[str, set[str]], Errors]:
    """{selector key: allowed display values} and the errors found in variantSelectors."""
    if value is None:
        return {}, []
    if not isinstance(value, list) or len(value) > MAX_SELECTORS:
        return {}, [
            error_entry("IE0002", f"variantSelectors must be a list of at most {MAX_SELECTORS}.", "variantSelectors")
        ]
    selectors: dict[str, set[str]] = {}
    errors: Errors = []
    for index, selector in enumerate(value):
        path = f"variantSelectors[{index}]"
        key = selector.get("key") if isinstance(selector, dict) else None
        values = selector.get("values") if isinstance(selector, dict) else None
        if not isinstance(key, str) or not key or key in selectors:
            errors.append(error_entry("IE0002", "Each selector needs a unique key.", f"{path}.key"))
            continue
        if not isinstance(values, list) or not 1 <= len(values) <= MAX_SELECTOR_VALUES:
            errors.append(
                error_entry("IE0002", f"values must hold 1..{MAX_SELECTOR_VALUES} entries.", f"{path}.values")
            )
            continue
        named = [v.get("displayValue") for v in values if isinstance(v, dict)]
        selectors[key] = {name for name in named if isinstance(name, str)}  # a nameless value offers no choice
    return selectors, errors


def _variants(value: Any, selectors: dict[str, set[str]]) -> Errors:
    if not value:
        return [error_entry("IE0001", "variants is required.", "variants")]
    if not isinstance(value, dict) or len(value) > MAX_VARIANTS:
        return [error_entry("IE0002", f"variants must be an object of at most {MAX_VARIANTS} variants.", "variants")]
    if not selectors and len(value) > 1:
        message = "variantSelectors must be set when an item has more than one variant."
        return [error_entry("IE0269", message, "variantSelectors")]
    errors: Errors = []
    for variant_id, variant in value.items():
        path = f"variants.{variant_id}"
        errors += check_key("variantId", variant_id, path)
        if not isinstance(variant, dict):
            errors.append(error_entry("IE0002", "A variant must be an object.", path))
            continue
        errors += _selector_values(variant.get("selectorValues") or {}, selectors, f"{path}.selectorValues")
    return errors


def _selector_values(values: Any, selectors: dict[str, set[str]], path: str) -> Errors:
    if not isinstance(values, dict):
        return [error_entry("IE0002", "selectorValues must be an object.", path)]
    errors = []
    for key, chosen in values.items():
        if key not in selectors:
            errors.append(
                error_entry("IE0002", f"Selector key {key} is not defined in variantSelectors.", f"{path}.{key}")
            )
        elif chosen not in selectors[key]:
            errors.append(error_entry("IE0002", f"{chosen} is not a value of selector {key}.", f"{path}.{key}"))
    errors += [
        error_entry("IE0001", f"A value for selector {key} is required.", f"{path}.{key}")
        for key in selectors
        if key not in values
    ]
    return errors


def merge_patch(target: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    """RFC 7396 merge: objects merge recursively, lists are replaced wholesale, null removes a key."""
    for key, value in patch.items():
        if value is None:
            target.pop(key, None)
        elif isinstance(value, dict) and isinstance(target.get(key), dict):
            merge_patch(target[key], value)
        else:
            target[key] = value
    return target
