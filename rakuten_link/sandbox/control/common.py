"""Small helpers shared by the control modules: the handler signature, errors and body parsing."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from ..http import Request, Response
from ..state.state import SandboxState

Handler = Callable[[SandboxState, Request, dict[str, str]], Response]


class ControlError(Exception):
    """A control request that cannot be served; becomes `{"error": message}` with `status`."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def body_of(request: Request) -> dict[str, Any]:
    """JSON object body; content type is not enforced here (curl users forget it)."""
    if not request.body.strip():
        return {}
    try:
        body = json.loads(request.body)
    except ValueError:
        raise ControlError("body is not valid JSON") from None
    if not isinstance(body, dict):
        raise ControlError("body must be a JSON object")
    return body
