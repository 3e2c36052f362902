"""Routes: which handler answers which RMS path, under which function id and rate-limit family.

The API modules declare their routes with `route` and receive a `Call`; the table itself is put
together in app.py, so this module imports none of them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .http import Request, Response
from .state.state import Credential, SandboxState

BODY_METHODS = ("POST", "PUT", "PATCH")


@dataclass
class Call:
    """What a handler gets: the authenticated request plus the state to act on."""

    state: SandboxState
    request: Request
    credential: Credential
    params: dict[str, str]
    now: datetime

    @property
    def shop(self) -> str:
        return self.credential.shop

    @property
    def config(self) -> Any:
        return self.state.config


Handler = Callable[[Call], Response]


@dataclass(frozen=True)
class Route:
    method: str
    pattern: re.Pattern[str]
    function_id: str
    family: str
    handler: Handler

    @property
    def takes_json(self) -> bool:
        return self.method in BODY_METHODS


def route(method: str, path: str, function_id: str, family: str, handler: Handler) -> Route:
    """A route for `path`, a regex without anchors; `{name}` stands for one path segment."""
    regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", path)
    return Route(method, re.compile(f"^{regex}$"), function_id, family, handler)


def match(routes: list[Route], method: str, path: str) -> tuple[Route | None, dict[str, str], bool]:
    """(route, path params, path_known); path_known without a route means 405."""
    path_known = False
    for candidate in routes:
        found = candidate.pattern.match(path)
        if not found:
            continue
        path_known = True
        if candidate.method == method:
            return candidate, found.groupdict(), True
    return None, {}, path_known
