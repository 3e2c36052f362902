"""Inventory API 2.0 (在庫API): variants get/upsert/delete, bulk get, bulk get by range, bulk upsert.

Upserts never check that the item exists — RMS accepts orphan rows (and drops them after ~24 h,
which the sandbox does not simulate); verify SKUs with the Item API instead. bulk-upsert is all or
nothing: any error → 400 listing every error, and no row changes.
"""

from __future__ import annotations

from typing import Any

from ..http import ApiError, Response, error_entry, rest_error, rest_errors, rest_json
from ..routing import Call, route
from ..state.codes import (
    FAMILY_INVENTORY,
    FAMILY_INVENTORY_BULK_GET,
    INVENTORY_BULK_GET,
    INVENTORY_BULK_GET_RANGE,
    INVENTORY_BULK_UPSERT,
    INVENTORY_DELETE,
    INVENTORY_GET,
    INVENTORY_UPSERT,
)
from ..state.stock import MAX_QUANTITY, put_quantity, row_json
from .inventory_rules import (
    UPSERT_FIELDS,
    Errors,
    check_key,
    check_mode_quantity,
    check_unknown_fields,
    resolve_quantity,
)

MAX_BULK_UPSERT = 400
MAX_BULK_GET = 1000
MAX_RANGE_HITS = 1000
MAX_VARIANTS_PER_ITEM = 400


def _path_keys(call: Call) -> tuple[str, str]:
    manage_number, variant_id = call.params["mn"], call.params["vid"]
    errors = check_key("manageNumber", manage_number, "manageNumber") + check_key("variantId", variant_id, "variantId")
    if errors:
        raise ApiError(rest_errors(400, errors))
    return manage_number.lower(), variant_id


def _not_found(manage_number: str, variant_id: str) -> ApiError:
    return rest_error(404, "GE0014", f"Not found for inputs; manageNumber={manage_number}, variantId={variant_id}")


def get_variant(call: Call) -> Response:
    key = _path_keys(call)
    row = call.state.inventory_of(call.shop).get(key)
    if row is None:
        raise _not_found(*key)
    return Response(200, row_json(row))


def upsert_variant(call: Call) -> Response:
    key = _path_keys(call)
    body = rest_json(call.request)
    if not isinstance(body, dict):
        raise rest_error(400, "IE0002", "Request body must be a JSON object.")
    errors = check_unknown_fields(body, {"mode", "quantity"}, "") + check_mode_quantity(body, "")
    if errors:
        raise ApiError(rest_errors(400, errors))
    rows = call.state.inventory_of(call.shop)
    quantity, errors = resolve_quantity(rows.get(key), body["mode"], body["quantity"], "")
    if not errors and key not in rows:
        errors = _variant_limit(rows, {key})
    if errors:
        raise ApiError(rest_errors(400, errors))
    put_quantity(call.state, call.shop, *key, quantity, call.now)
    return Response(204)


def delete_variant(call: Call) -> Response:
    key = _path_keys(call)
    if call.state.inventory_of(call.shop).pop(key, None) is None:
        raise _not_found(*key)
    return Response(204)


def _inventories(call: Call, limit: int) -> list[Any]:
    """The `inventories` list of a bulk body, 1..limit entries."""
    body = rest_json(call.request)
    entries = body.get("inventories") if isinstance(body, dict) else None
    if entries is None:
        raise rest_error(400, "IE0001", "inventories is required.", "inventories")
    if not isinstance(entries, list) or not 1 <= len(entries) <= limit:
        raise rest_error(400, "IE0002", f"inventories size must be between 1 and {limit}.", "inventories")
    return entries


def bulk_get(call: Call) -> Response:
    entries = _inventories(call, MAX_BULK_GET)
    errors: Errors = []
    keys: dict[tuple[str, str], None] = {}
    for index, entry in enumerate(entries):
        prefix = f"inventories[{index}]."
        if not isinstance(entry, dict):
            errors.append(error_entry("IE0002", "Each inventory must be an object.", f"inventories[{index}]"))
            continue
        found = check_key("manageNumber", entry.get("manageNumber"), f"{prefix}manageNumber")
        found += check_key("variantId", entry.get("variantId"), f"{prefix}variantId")
        errors.extend(found)
        if not found:
            keys[(entry["manageNumber"].lower(), entry["variantId"])] = None
    if errors:
        raise ApiError(rest_errors(400, errors))
    rows = call.state.inventory_of(call.shop)
    return Response(200, {"inventories": [row_json(rows[key]) for key in keys if key in rows]})


def bulk_get_range(call: Call) -> Response:
    bounds = {}
    for name in ("minQuantity", "maxQuantity"):
        text = call.request.param(name)
        if text in (None, ""):
            continue
        if not text.lstrip("-").isdigit():
            raise rest_error(400, "IE0002", f"{name} must be an integer.", name)
        bounds[name] = int(text)
    if not bounds:
        raise rest_error(400, "IE0105", "Either minQuantity or maxQuantity is required.")
    low, high = bounds.get("minQuantity", 0), bounds.get("maxQuantity", MAX_QUANTITY)
    if low > high:
        raise rest_error(400, "IE0113", "minQuantity must be less than or equal to maxQuantity.")
    rows = [r for r in call.state.inventory_of(call.shop).values() if low <= r["quantity"] <= high]
    if len(rows) > MAX_RANGE_HITS:
        raise rest_error(400, "IE0116", "Too many search results. Please narrow down the search conditions.")
    rows.sort(key=lambda r: (r["updated"], r["manageNumber"], r["variantId"]), reverse=True)
    return Response(200, {"inventories": [row_json(r) for r in rows]})


def bulk_upsert(call: Call) -> Response:
    entries = _inventories(call, MAX_BULK_UPSERT)
    rows = call.state.inventory_of(call.shop)
    planned: dict[tuple[str, str], int] = {}
    errors: Errors = []
    for index, entry in enumerate(entries):
        errors.extend(_plan_entry(rows, planned, index, entry))
    if not errors:
        errors = _variant_limit(rows, set(planned))
    if errors:
        raise ApiError(rest_errors(400, errors))
    for (manage_number, variant_id), quantity in planned.items():
        put_quantity(call.state, call.shop, manage_number, variant_id, quantity, call.now)
    return Response(204)


def _plan_entry(
    rows: dict[tuple[str, str], Any], planned: dict[tuple[str, str], int], index: int, entry: Any
) -> Errors:
    """Validate one bulk entry and add its resulting quantity to `planned`; returns its errors."""
    prefix = f"inventories[{index}]."
    if not isinstance(entry, dict):
        return [error_entry("IE0002", "Each inventory must be an object.", f"inventories[{index}]")]
    errors = check_unknown_fields(entry, UPSERT_FIELDS, prefix)
    errors += check_key("manageNumber", entry.get("manageNumber"), f"{prefix}manageNumber")
    errors += check_key("variantId", entry.get("variantId"), f"{prefix}variantId")
    errors += check_mode_quantity(entry, prefix)
    if errors:
        return errors
    key = (entry["manageNumber"].lower(), entry["variantId"])
    if key in planned:
        return [error_entry("IE1102", "Duplicate manageNumber and variantId.", f"inventories[{index}]")]
    quantity, errors = resolve_quantity(rows.get(key), entry["mode"], entry["quantity"], prefix)
    planned[key] = quantity
    return errors


def _variant_limit(rows: dict[tuple[str, str], Any], keys: set[tuple[str, str]]) -> Errors:
    """IE0121 when new rows would give one manageNumber more than 400 variants."""
    errors = []
    for manage_number in sorted({k[0] for k in keys}):
        existing = {k for k in rows if k[0] == manage_number}
        if len(existing | {k for k in keys if k[0] == manage_number}) > MAX_VARIANTS_PER_ITEM:
            message = f"Too many variants for manageNumber={manage_number} (max {MAX_VARIANTS_PER_ITEM})."
            errors.append(error_entry("IE0121", message, "manageNumber"))
    return errors


_VARIANT = "/es/2\\.0/inventories/manage-numbers/{mn}/variants/{vid}"
ROUTES = [
    route("GET", _VARIANT, INVENTORY_GET, FAMILY_INVENTORY, get_variant),
    route("PUT", _VARIANT, INVENTORY_UPSERT, FAMILY_INVENTORY, upsert_variant),
    route("DELETE", _VARIANT, INVENTORY_DELETE, FAMILY_INVENTORY, delete_variant),
    route("POST", "/es/2\\.0/inventories/bulk-get", INVENTORY_BULK_GET, FAMILY_INVENTORY_BULK_GET, bulk_get),
    route(
        "GET",
        "/es/2\\.0/inventories/bulk-get/range",
        INVENTORY_BULK_GET_RANGE,
        FAMILY_INVENTORY_BULK_GET,
        bulk_get_range,
    ),
    route("POST", "/es/2\\.0/inventories/bulk-upsert", INVENTORY_BULK_UPSERT, FAMILY_INVENTORY, bulk_upsert),
]
