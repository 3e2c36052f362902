"""The control endpoints other than orders: reset, config, credentials, items, inventory, log, faults, tick.

Each handler takes (state, request, path params) and runs under the state lock (see dispatch).
"""

from __future__ import annotations

from datetime import timedelta

from ..api.inventory_rules import check_key
from ..api.item_rules import validate_item
from ..api.items import store_item
from ..http import ApiError, Request, Response, is_int
from ..orders.lifecycle import tick
from ..state import clock
from ..state.faults import FaultRule
from ..state.seed import end_of_day, reset_state
from ..state.state import SandboxState
from ..state.stock import MAX_QUANTITY, put_quantity, row_json
from .common import ControlError, Handler, body_of


def health(state: SandboxState, request: Request, params: dict[str, str]) -> Response:
    return Response(200, {"ok": True})


def reset(state: SandboxState, request: Request, params: dict[str, str]) -> Response:
    body = body_of(request)
    seed = body.get("seed", "empty")
    reset_state(state, seed, body.get("config") or {})
    return Response(200, {"ok": True, "seed": seed, "config": state.config.to_dict()})


def config(state: SandboxState, request: Request, params: dict[str, str]) -> Response:
    if request.method != "GET":
        state.patch_config(body_of(request))
    return Response(200, state.config.to_dict())


def credentials(state: SandboxState, request: Request, params: dict[str, str]) -> Response:
    if request.method == "GET":
        return Response(200, {"credentials": [c.to_dict() for c in state.credentials.values()]})
    body = body_of(request)
    secret, key = body.get("serviceSecret"), body.get("licenseKey")
    if not isinstance(secret, str) or not isinstance(key, str) or not secret or not key:
        raise ControlError("serviceSecret and licenseKey are required strings")
    if request.method == "DELETE":
        if not state.remove_credential(secret, key):
            raise ControlError("no such credential", 404)
        return Response(204)
    shop = state.resolve_shop(body.get("shop") or "000001")
    expiry = body.get("expiryDate")
    expires_at = clock.parse_flexible(expiry) if expiry else end_of_day(clock.now() + timedelta(days=90))
    disabled = body.get("disabledFunctions") or []
    if not isinstance(disabled, list):
        raise ControlError("disabledFunctions must be a list of function ids")
    credential = state.add_credential(secret, key, shop, expires_at, set(disabled))
    return Response(201, credential.to_dict())


def items(state: SandboxState, request: Request, params: dict[str, str]) -> Response:
    body = body_of(request) if request.method == "POST" else {}
    shop = state.resolve_shop(body.get("shop") or request.param("shop"))
    if request.method == "GET":
        return Response(200, {"items": [state.items_of(shop)[mn] for mn in sorted(state.items_of(shop))]})
    given = body.get("items")
    if not isinstance(given, list) or not all(isinstance(i, dict) and i.get("manageNumber") for i in given):
        raise ControlError("items must be a list of Item API objects with manageNumber")
    for item in given:  # all-or-nothing, like a seed should be
        errors = check_key("manageNumber", item["manageNumber"], "manageNumber") + validate_item(item)
        if errors:
            raise ApiError(Response(400, {"errors": errors, "manageNumber": item["manageNumber"]}))
    quantity = body.get("quantity")
    if quantity is not None and (not is_int(quantity) or not 0 <= quantity <= MAX_QUANTITY):
        raise ControlError("quantity must be an integer 0..99999")
    at = clock.now()
    for item in given:
        manage_number = item["manageNumber"].lower()
        store_item(state, shop, manage_number, item, at)
        if quantity is not None:
            for variant_id in item["variants"]:
                put_quantity(state, shop, manage_number, variant_id, quantity, at)
    return Response(201, {"manageNumbers": [i["manageNumber"].lower() for i in given]})


def inventory(state: SandboxState, request: Request, params: dict[str, str]) -> Response:
    body = body_of(request) if request.method == "POST" else {}
    shop = state.resolve_shop(body.get("shop") or request.param("shop"))
    rows = state.inventory_of(shop)
    if request.method == "GET":
        wanted_mn, wanted_vid = (request.param("manageNumber") or "").lower(), request.param("variantId")
        chosen = [
            rows[k]
            for k in sorted(rows)
            if (not wanted_mn or k[0] == wanted_mn) and (not wanted_vid or k[1] == wanted_vid)
        ]
        return Response(200, {"inventories": [row_json(r) for r in chosen]})
    entries = body.get("inventories")
    if not isinstance(entries, list):
        raise ControlError("inventories must be a list of {manageNumber, variantId, quantity}")
    for entry in entries:
        bad = check_key("manageNumber", entry.get("manageNumber"), "") + check_key(
            "variantId", entry.get("variantId"), ""
        )
        if bad or not is_int(entry.get("quantity")) or not 0 <= entry["quantity"] <= MAX_QUANTITY:
            raise ControlError(f"invalid inventory entry: {entry}")
    at = clock.now()
    for entry in entries:
        put_quantity(state, shop, entry["manageNumber"], entry["variantId"], entry["quantity"], at)
    return Response(201, {"count": len(entries)})


def requests_log(state: SandboxState, request: Request, params: dict[str, str]) -> Response:
    if request.method == "DELETE":
        state.clear_requests()
        return Response(204)
    limit = request.param("limit")
    entries = state.requests(request.param("function"), int(limit) if limit and limit.isdigit() else None)
    return Response(200, {"requests": entries})


def faults(state: SandboxState, request: Request, params: dict[str, str]) -> Response:
    if request.method == "DELETE":
        state.faults.clear()
        return Response(204)
    if request.method == "POST":
        body = body_of(request)
        target, count, status = body.get("function", "*"), body.get("count", 1), body.get("status", 503)
        if not isinstance(target, str) or not is_int(count) or count < 1 or not is_int(status):
            raise ControlError("function (id, family or *), count ≥ 1 and status are required")
        if body.get("body") is not None and not isinstance(body["body"], dict):
            raise ControlError("body must be a JSON object")
        skip = body.get("skip", 0)
        if not is_int(skip) or skip < 0:
            raise ControlError("skip must be an integer ≥ 0")
        state.faults.add(FaultRule(target, count, status, body.get("body"), bool(body.get("drop")),
                                   after=bool(body.get("after")), skip=skip))
    status_code = 201 if request.method == "POST" else 200
    return Response(status_code, {"faults": [rule.to_dict() for rule in state.faults.rules]})


def run_tick(state: SandboxState, request: Request, params: dict[str, str]) -> Response:
    body = body_of(request)
    at = clock.parse_flexible(body["now"]) if body.get("now") else clock.now()
    return Response(200, {"shipped": tick(state, at)})


ROUTES: list[tuple[str, str, Handler]] = [
    ("GET", "/_sandbox/health", health),
    ("POST", "/_sandbox/reset", reset),
    ("GET|PATCH|POST", "/_sandbox/config", config),
    ("GET|POST|DELETE", "/_sandbox/credentials", credentials),
    ("GET|POST", "/_sandbox/items", items),
    ("GET|POST", "/_sandbox/inventory", inventory),
    ("GET|DELETE", "/_sandbox/requests", requests_log),
    ("GET|POST|DELETE", "/_sandbox/faults", faults),
    ("POST", "/_sandbox/tick", run_tick),
]
