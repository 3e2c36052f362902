"""Item API 2.0 (商品API): items get/upsert/patch/delete and bulk-get; search lives in item_search.py.

This is how a client learns which manageNumber/variantId pairs exist (the keys of `variants`), so
mapping verification is exercised against these answers. Writes are visible to search at once
(RMS's index lags up to 24 h; the sandbox does not simulate that lag).
"""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

from ..http import ApiError, Response, error_entry, rest_error, rest_errors, rest_json
from ..routing import Call, route
from ..state import clock
from ..state.codes import (
    FAMILY_ITEMS,
    ITEMS_BULK_GET,
    ITEMS_DELETE,
    ITEMS_GET,
    ITEMS_PATCH,
    ITEMS_SEARCH,
    ITEMS_UPSERT,
)
from ..state.state import SandboxState
from .inventory_rules import check_key
from .item_rules import merge_patch, validate_item
from .item_search import search_items

MAX_BULK_GET = 50
READ_ONLY = ("manageNumber", "created", "updated")


def store_item(state: SandboxState, shop: str, manage_number: str, body: dict[str, Any], at: datetime) -> bool:
    """Validate and store a full item (replacing any previous one); True when newly created.

    Raises ApiError(400) with every validation error. Used by the API and by control seeding.
    """
    errors = validate_item(body)
    if errors:
        raise ApiError(rest_errors(400, errors))
    items = state.items_of(shop)
    previous = items.get(manage_number)
    item = {k: copy.deepcopy(v) for k, v in body.items() if k not in READ_ONLY}
    stamp = clock.format_iso(at)
    item = {
        "manageNumber": manage_number,
        **item,
        "created": previous["created"] if previous else stamp,
        "updated": stamp,
    }
    items[manage_number] = item
    return previous is None


def _manage_number(call: Call) -> str:
    value = call.params["mn"]
    errors = check_key("manageNumber", value, "manageNumber")
    if errors:
        raise ApiError(rest_errors(400, errors))
    return value.lower()


def _existing(call: Call, manage_number: str) -> dict[str, Any]:
    item = call.state.items_of(call.shop).get(manage_number)
    if item is None:
        raise rest_error(404, "GE0014", f"Not found for inputs; manageNumber={manage_number}")
    return item


def _object_body(call: Call) -> dict[str, Any]:
    body = rest_json(call.request)
    if not isinstance(body, dict):
        raise rest_error(400, "IE0002", "Request body must be a JSON object.")
    return body


def get_item(call: Call) -> Response:
    return Response(200, copy.deepcopy(_existing(call, _manage_number(call))))


def upsert_item(call: Call) -> Response:
    manage_number = _manage_number(call)
    created = store_item(call.state, call.shop, manage_number, _object_body(call), call.now)
    return Response(201, {"manageNumber": manage_number}) if created else Response(204)


def patch_item(call: Call) -> Response:
    manage_number = _manage_number(call)
    body = _object_body(call)
    merged = merge_patch(copy.deepcopy(_existing(call, manage_number)), body)
    store_item(call.state, call.shop, manage_number, merged, call.now)
    return Response(204)


def delete_item(call: Call) -> Response:
    manage_number = _manage_number(call)
    _existing(call, manage_number)
    del call.state.items_of(call.shop)[manage_number]
    return Response(204)


def bulk_get_items(call: Call) -> Response:
    body = _object_body(call)
    numbers = body.get("manageNumbers")
    if numbers is None:
        raise rest_error(400, "IE0001", "manageNumbers is required.", "manageNumbers")
    if not isinstance(numbers, list) or not 1 <= len(numbers) <= MAX_BULK_GET:
        raise rest_error(400, "IE0002", f"manageNumbers size must be between 1 and {MAX_BULK_GET}.", "manageNumbers")
    errors = []
    seen: set[str] = set()
    for index, number in enumerate(numbers):
        path = f"manageNumbers[{index}]"
        problems = check_key("manageNumber", number, path)
        if not problems and number.lower() in seen:
            problems = [error_entry("IE1106", f"Duplicate manageNumber: {number}", path)]
        errors += problems
        if not problems:
            seen.add(number.lower())
    if errors:
        raise ApiError(rest_errors(400, errors))
    items = call.state.items_of(call.shop)
    found = [copy.deepcopy(items[n.lower()]) for n in numbers if n.lower() in items]
    return Response(200, {"results": found})


def search(call: Call) -> Response:
    return Response(200, search_items(list(call.state.items_of(call.shop).values()), call.request))


_ITEM = "/es/2\\.0/items/manage-numbers/{mn}"
ROUTES = [
    route("GET", _ITEM, ITEMS_GET, FAMILY_ITEMS, get_item),
    route("PUT", _ITEM, ITEMS_UPSERT, FAMILY_ITEMS, upsert_item),
    route("PATCH", _ITEM, ITEMS_PATCH, FAMILY_ITEMS, patch_item),
    route("DELETE", _ITEM, ITEMS_DELETE, FAMILY_ITEMS, delete_item),
    route("POST", "/es/2\\.0/items/bulk-get", ITEMS_BULK_GET, FAMILY_ITEMS, bulk_get_items),
    route("GET", "/es/2\\.0/items/search", ITEMS_SEARCH, FAMILY_ITEMS, search),
]
