"""`/_sandbox/orders…`: create orders (partial or random), read them back, move their status."""

from __future__ import annotations

import copy
from typing import Any

from ..http import Request, Response, is_int
from ..orders.factory import deep_merge, tax_summary
from ..orders.lifecycle import advance, cancel, create_order, create_random_order, set_progress
from ..state import clock
from ..state.state import SandboxState
from .common import ControlError, Handler, body_of

MAX_RANDOM = 50_000  # enough to test searchOrder's 15,000-hit cap


def summary(order: dict[str, Any]) -> dict[str, Any]:
    return {
        "orderNumber": order["orderNumber"],
        "orderProgress": order["orderProgress"],
        "orderDatetime": order["orderDatetime"],
    }


def orders(state: SandboxState, request: Request, params: dict[str, str]) -> Response:
    """GET: list (filter by shop, orderProgress). POST: `{"orders": [...], "force"?}` or `{"random": N, ...}`.

    Orders stay within the sandbox's inventory (a shortfall is a 400); `"force": true` makes hand-written
    orders regardless, for tests of a shop that sold what it did not have.
    """
    if request.method == "GET":
        shop = request.param("shop")
        progress = request.param("orderProgress")
        chosen = state.orders_of(shop) if shop else list(state.orders.values())
        chosen = [o for o in chosen if not progress or str(o["orderProgress"]) == progress]
        chosen.sort(key=lambda o: (o["orderDatetime"], o["orderNumber"]))
        return Response(200, {"orders": [summary(o) for o in chosen]})
    body = body_of(request)
    shop = state.resolve_shop(body.get("shop"))
    at = clock.now()
    if "random" in body:
        count = body["random"]
        if not is_int(count) or not 1 <= count <= MAX_RANDOM:
            raise ValueError(f"random must be 1..{MAX_RANDOM}")
        names = ("orderProgress", "orderDatetime", "start", "end", "items")
        options: dict[str, Any] = {k: body[k] for k in names if k in body}
        created = [create_random_order(state, shop, at, options) for _ in range(count)]
    else:
        partials = body.get("orders")
        if not isinstance(partials, list) or not all(isinstance(p, dict) for p in partials):
            raise ControlError('send {"orders": [partial OrderModel, ...]} or {"random": N}')
        force = body.get("force", False)
        if not isinstance(force, bool):
            raise ControlError("force must be true or false")
        created = [create_order(state, shop, p, at, body.get("items"), force) for p in partials]
    return Response(201, {"orderNumbers": [o["orderNumber"] for o in created]})


def _order(state: SandboxState, number: str) -> dict[str, Any]:
    order = state.orders.get(number)
    if order is None:
        raise ControlError(f"no order {number}", 404)
    return order


def one_order(state: SandboxState, request: Request, params: dict[str, str]) -> Response:
    """GET: the full stored OrderModel (with shipping rows). PATCH: deep-merge fields.

    Amounts are not recomputed (a test sets what it wants), except the per-rate tax summary when lines
    change and the patch gives none: RMS recomputes it, and a stale one would look like a rounding error.
    """
    order = _order(state, params["number"])
    if request.method == "PATCH":
        changes = body_of(request)
        changes.pop("orderNumber", None)
        deep_merge(order, changes)
        if "PackageModelList" in changes and "TaxSummaryModelList" not in changes:
            points = order["PointModel"].get("usedPoint", 0)
            rounding = state.config.tax_rounding_for(order["orderNumber"][:6])
            order["TaxSummaryModelList"] = tax_summary(order, points, rounding)
    return Response(200, copy.deepcopy(order))


def advance_order(state: SandboxState, request: Request, params: dict[str, str]) -> Response:
    order = _order(state, params["number"])
    advance(order, clock.now(), body_of(request).get("to"))
    return Response(200, summary(order))


def progress_order(state: SandboxState, request: Request, params: dict[str, str]) -> Response:
    order = _order(state, params["number"])
    set_progress(order, body_of(request).get("orderProgress"), clock.now())
    return Response(200, summary(order))


def cancel_order(state: SandboxState, request: Request, params: dict[str, str]) -> Response:
    order = _order(state, params["number"])
    body = body_of(request)
    cancel(state, order, body.get("changeReasonDetailApply", 1), body.get("inventoryRestoreType", 1), clock.now())
    return Response(200, summary(order))


_NUMBER = "(?P<number>[0-9-]+)"
ROUTES: list[tuple[str, str, Handler]] = [
    ("GET|POST", "/_sandbox/orders", orders),
    ("GET|PATCH", f"/_sandbox/orders/{_NUMBER}", one_order),
    ("POST", f"/_sandbox/orders/{_NUMBER}/advance", advance_order),
    ("POST", f"/_sandbox/orders/{_NUMBER}/progress", progress_order),
    ("POST", f"/_sandbox/orders/{_NUMBER}/cancel", cancel_order),
]
