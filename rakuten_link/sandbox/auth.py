"""ESA authentication as the RMS gateway does it.

Every failure (unknown pair, expired key, function not enabled) is a 401 in the configured shape,
so a client cannot tell the causes apart from the status alone — as on the real gateway, where
vendors diagnose a disabled function only by trying another one. In the older `Results` shape a
disabled function reports ES04-01 "Bad Request" (docs/rms.md §1.4).
"""

from __future__ import annotations

import base64
import binascii
from datetime import datetime

from .http import ApiError, Request, Response
from .state.state import Credential, SandboxState


def parse_authorization(value: str | None) -> tuple[str, str] | None:
    """(serviceSecret, licenseKey) from `ESA base64(secret:key)`; None when malformed.

    Nothing is trimmed: stray spaces are a documented cause of real auth errors, and a client that
    sends them should find out here rather than in production.
    """
    if not value or not value.startswith("ESA "):
        return None
    try:
        decoded = base64.b64decode(value[4:], validate=True).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    secret, sep, key = decoded.partition(":")
    if not sep or not secret or not key:
        return None
    return secret, key


def unauthorised(shape: str, disabled_function: bool = False) -> Response:
    if shape == "results":
        if disabled_function:
            return Response(401, {"Results": {"errorCode": "ES04-01", "message": "Bad Request"}})
        return Response(401, {"Results": {"errorCode": "ES01-01", "message": "Un-Authorised"}})
    return Response(401, {"errors": [{"code": "GA0001", "message": "Un-Authorised"}]})


def authenticate(state: SandboxState, request: Request, function_id: str, at: datetime) -> Credential:
    """The credential behind the request, or ApiError(401) in the configured shape."""
    shape = state.config.auth_error_shape
    pair = parse_authorization(request.headers.get("authorization"))
    credential = state.find_credential(*pair) if pair else None
    if credential is None or credential.is_expired(at):
        raise ApiError(unauthorised(shape))
    if function_id in credential.disabled:
        raise ApiError(unauthorised(shape, disabled_function=True))
    return credential
