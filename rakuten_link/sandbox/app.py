"""The WSGI application: one pipeline every simulated RMS call goes through.

Order of checks, mirroring a gateway in front of the real services: path → latency → injected
faults → authentication / enabled function → rate limit → content type → the API handler.
Every API call, failed or not, lands in the request log so tests can assert what "Rakuten received".
An injected fault marked `after` runs the whole pipeline first and then drops the connection: the call is
applied but its answer is lost.
"""

from __future__ import annotations

import sys
import time
import traceback
from collections.abc import Callable, Iterable
from typing import Any

from .api import inventory, items, license, orders, shipping, shipping_async
from .auth import authenticate, parse_authorization
from .control.dispatch import dispatch as control_dispatch
from .http import (
    ApiError,
    Request,
    Response,
    encode,
    read_request,
    rest_errors,
    status_line,
    unsupported_media_type,
)
from .orders.lifecycle import process_due_orders
from .routing import Call, Route, match
from .state import clock
from .state.codes import FAMILY_ORDER, GET_ORDER, SEARCH_ORDER
from .state.faults import FaultRule, default_fault_body
from .state.state import SandboxState

StartResponse = Callable[..., Any]
API_MODULES = (orders, shipping, shipping_async, inventory, items, license)
READS_ORDERS_ONLY = (SEARCH_ORDER, GET_ORDER)


def all_routes() -> list[Route]:
    """Every RMS route, in the order they are matched."""
    return [r for module in API_MODULES for r in module.ROUTES]


class SandboxApp:
    """WSGI callable serving the RMS paths and the `/_sandbox/` control API for one SandboxState."""

    def __init__(self, state: SandboxState) -> None:
        self.state = state
        self.routes = all_routes()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        request = read_request(environ)
        if request.path == "/_sandbox" or request.path.startswith("/_sandbox/"):
            response = control_dispatch(self.state, request)
        else:
            response = self.handle_api(request)
        if response.drop:
            return _drop(environ)
        headers, payload = encode(response)
        start_response(status_line(response.status), headers)
        return [payload]

    def handle_api(self, request: Request) -> Response:
        found, params, path_known = match(self.routes, request.method, request.path)
        if found is None:
            response = _unroutable(path_known)
            _log(self.state, request, None, None, response)
            return response
        delay = _latency_ms(self.state, request)
        if delay:
            time.sleep(delay / 1000)
        with self.state.lock:
            response, shop = self._dispatch(found, params, request)
            _log(self.state, request, found.function_id, shop, response)
            if found.family == FAMILY_ORDER and found.function_id not in READS_ORDERS_ONLY:
                self.state.orders.changed()  # confirm, cancel, shipping … edit orders in place (order_book.py)
        return response

    def _dispatch(self, found: Route, params: dict[str, str], request: Request) -> tuple[Response, str | None]:
        rule = self.state.faults.take(found.function_id, found.family)
        if rule is not None and rule.after:
            _response, shop = self._handle(found, params, request)
            return Response(0, drop=True), shop  # applied, then the answer is lost (FaultRule.after)
        fault = _injected_fault(self.state, found, rule)
        if fault is not None:
            return fault, None
        return self._handle(found, params, request)

    def _handle(self, found: Route, params: dict[str, str], request: Request) -> tuple[Response, str | None]:
        shop = None
        try:
            at = clock.now()
            credential = authenticate(self.state, request, found.function_id, at)
            shop = credential.shop
            if _over_limit(self.state, found, credential.service_secret + ":" + credential.license_key):
                config = self.state.config
                return Response(config.rate_limit_status, dict(config.rate_limit_body)), shop
            if found.takes_json and not _is_json(request):
                return unsupported_media_type(request.content_type), shop
            process_due_orders(self.state, at)
            return found.handler(Call(self.state, request, credential, params, at)), shop
        except ApiError as exc:
            return exc.response, shop
        except Exception as exc:  # a sandbox bug must look like a 500, not kill the connection
            traceback.print_exc(file=sys.stderr)
            message = f"Internal Server Error (sandbox: {type(exc).__name__}: {exc})"
            return rest_errors(500, [{"code": "GE0019", "message": message}]), shop


def _latency_ms(state: SandboxState, request: Request) -> int:
    """The shop's own latency when one is set for the caller's shop, else the global one (slept outside the lock)."""
    config = state.config
    if config.latency_ms_by_shop:
        pair = parse_authorization(request.headers.get("authorization"))
        credential = state.find_credential(*pair) if pair else None
        if credential is not None and credential.shop in config.latency_ms_by_shop:
            return config.latency_ms_by_shop[credential.shop]
    return config.latency_ms


def _is_json(request: Request) -> bool:
    content_type = request.content_type
    return content_type == "application/json" or content_type.endswith("+json")


def _unroutable(path_known: bool) -> Response:
    if path_known:
        return rest_errors(405, [{"code": "GE0006", "message": "Method Not Allowed"}])
    return rest_errors(404, [{"code": "GE0007", "message": "The requested path is not found."}])


def _injected_fault(state: SandboxState, found: Route, rule: FaultRule | None) -> Response | None:
    """The one-shot rule taken for this call if any, else a random drop/500/503 per the configured rates."""
    if rule is not None:
        if rule.drop:
            return Response(0, drop=True)
        return Response(rule.status, rule.body if rule.body is not None else default_fault_body(rule.status))
    config = state.config
    # Draw only for switches that are on, so enabling one does not shift the others' sequence.
    if config.drop_rate and state.rng.random() < config.drop_rate:
        return Response(0, drop=True)
    for status, rate in ((500, config.fault_500_rate), (503, config.fault_503_rate)):
        if rate and state.rng.random() < rate:
            return Response(status, default_fault_body(status))
    return None


def _over_limit(state: SandboxState, found: Route, credential_key: str) -> bool:
    config = state.config
    if not config.rate_limits:
        return False
    per_second = config.rate_limit_per_s.get(found.family, 0)
    return not state.rate_limiter.allow((credential_key, found.family), per_second, time.monotonic())


def _error_code(body: Any) -> str | None:
    """The first error code of any RMS body shape, for the request log."""
    if not isinstance(body, dict):
        return None
    if body.get("errors"):
        return _text(body["errors"][0].get("code"))
    if isinstance(body.get("Results"), dict):
        return _text(body["Results"].get("errorCode"))
    for message in body.get("MessageModelList") or ():
        if message.get("messageType") == "ERROR":
            return _text(message.get("messageCode"))
    return None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _log(state: SandboxState, request: Request, function_id: str | None, shop: str | None, response: Response) -> None:
    state.log_request(
        {
            "time": clock.format_iso(clock.now()),
            "method": request.method,
            "path": request.path,
            "query": {k: v[0] if len(v) == 1 else v for k, v in request.query.items()},
            "function": function_id,
            "shop": shop,
            "status": None if response.drop else response.status,
            "dropped": response.drop,
            "errorCode": _error_code(response.body),
            "body": request.json_or_text(),
        }
    )


def _drop(environ: dict[str, Any]) -> Iterable[bytes]:
    """Ask our server to close the socket unanswered; other WSGI servers just see an error."""
    if environ.get("sandbox.can_drop"):
        environ["sandbox.drop"] = True
        return []
    raise ConnectionAbortedError("sandbox dropped the connection")
