"""`/_sandbox/…`: the test and demo remote control (no auth; never part of RMS).

Every endpoint answers JSON; problems are 400/404 `{"error": "..."}` (item validation problems keep
the RMS `errors[]` shape, since they come from the Item API rules). `shop` defaults to the only shop
with credentials (000001 when there are none; required when there are several).
This module holds the route table and the dispatcher; the handlers live in endpoints and orders.

    POST   reset          {seed: empty|demo, config: {...}}          → {ok, seed, config}
    GET    config         → switches;  PATCH/POST config {switch: value} → switches (400 on unknown/bad)
    GET    credentials    → {credentials: [...]}
    POST   credentials    {serviceSecret, licenseKey, shop?, expiryDate?, disabledFunctions?} → 201
    DELETE credentials    {serviceSecret, licenseKey}                → 204
    GET    items?shop=    → {items: [...]};  POST items {shop?, items: [ItemAPI item], quantity?} → 201
    GET    inventory?shop=&manageNumber=&variantId= → {inventories: [...]}
    POST   inventory      {shop?, inventories: [{manageNumber, variantId, quantity}]} → 201 {count}
    GET    orders?shop=&orderProgress= → {orders: [{orderNumber, orderProgress, orderDatetime}]}
    POST   orders         {shop?, orders: [partial OrderModel], force?} | {shop?, random: N, orderProgress?,
                          orderDatetime? | start?/end?, items?: [manageNumber]} → 201 {orderNumbers}
    GET    orders/{n}     → full OrderModel;  PATCH orders/{n} {fields} → merged OrderModel
    POST   orders/{n}/advance {to?: 200|300} · orders/{n}/progress {orderProgress} · orders/{n}/cancel
    POST   tick           {now?}                                      → {shipped: [orderNumber]}
    GET    requests?function=&limit= → {requests: [...]};  DELETE requests → 204
    GET    faults → {faults};  POST faults {function: id|family|*, count, status, body?, drop?, after?, skip?} → 201
    DELETE faults → 204;  GET health → {ok: true}
"""

from __future__ import annotations

import re

from ..http import ApiError, Request, Response
from ..state.state import SandboxState
from . import endpoints, orders
from .common import ControlError, Handler

ROUTES: list[tuple[str, str, Handler]] = [*endpoints.ROUTES, *orders.ROUTES]
_COMPILED = [(methods.split("|"), re.compile(f"^{path}/?$"), handler) for methods, path, handler in ROUTES]


def dispatch(state: SandboxState, request: Request) -> Response:
    """Run the matching control handler under the state lock; errors become JSON answers."""
    for methods, pattern, handler in _COMPILED:
        found = pattern.match(request.path)
        if not found:
            continue
        if request.method not in methods:
            return Response(405, {"error": f"use {' or '.join(methods)}"})
        try:
            with state.lock:
                try:
                    return handler(state, request, found.groupdict())
                finally:
                    if request.method != "GET":
                        state.orders.changed()  # orders may have been edited in place (order_book.py)
        except ControlError as exc:
            return Response(exc.status, {"error": str(exc)})
        except ApiError as exc:
            return exc.response
        except (ValueError, KeyError, TypeError) as exc:
            return Response(400, {"error": f"{type(exc).__name__}: {exc}"})
    return Response(404, {"error": f"no control endpoint {request.path}"})
