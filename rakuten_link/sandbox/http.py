"""Minimal request/response plumbing for the WSGI app (stdlib only, so the sandbox needs no framework).

`ApiError` lets deep validation code stop a request with a ready-made RMS error response.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs

MAX_BODY = 10 * 1024 * 1024


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def param(self, name: str) -> str | None:
        """First value of a query parameter, or None when absent."""
        values = self.query.get(name)
        return values[0] if values else None

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    def json_or_text(self) -> Any:
        """Body for the request log: parsed JSON when possible, else (truncated) text, else None."""
        if not self.body:
            return None
        try:
            return json.loads(self.body)
        except ValueError:
            return self.body[:2000].decode("utf-8", "replace")


@dataclass
class Response:
    status: int
    body: Any = None
    headers: list[tuple[str, str]] = field(default_factory=list)
    # Close the connection without answering (simulated network failure).
    drop: bool = False


class ApiError(Exception):
    """Raised anywhere below a handler to answer with `response` at once."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status)
        self.response = response


class BodyError(Exception):
    """The request body is not usable JSON; `kind` is "media_type", "empty" or "malformed"."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


def is_int(value: Any) -> bool:
    """JSON integer (bool is an int subclass in Python but not in JSON)."""
    return isinstance(value, int) and not isinstance(value, bool)


def error_entry(code: str, message: str, property_path: str | None = None) -> dict[str, Any]:
    """One entry of the inventory/item/license `errors` list."""
    entry: dict[str, Any] = {"code": code, "message": message}
    if property_path is not None:
        entry["metadata"] = {"propertyPath": property_path}
    return entry


def rest_errors(status: int, errors: list[dict[str, Any]]) -> Response:
    return Response(status, {"errors": errors})


def rest_error(status: int, code: str, message: str, property_path: str | None = None) -> ApiError:
    return ApiError(rest_errors(status, [error_entry(code, message, property_path)]))


def unsupported_media_type(content_type: str) -> Response:
    shown = content_type or "(none)"
    return rest_errors(415, [error_entry("GE0012", f"Media Type {shown} is not supported.")])


def load_json(request: Request) -> Any:
    """Parse a JSON request body; raises BodyError so each API family can answer in its own shape."""
    if request.content_type != "application/json" and not request.content_type.endswith("+json"):
        raise BodyError("media_type")
    if not request.body.strip():
        raise BodyError("empty")
    try:
        return json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise BodyError("malformed") from None


def rest_json(request: Request) -> Any:
    """load_json for the inventory/item families, mapping problems to their documented codes."""
    try:
        return load_json(request)
    except BodyError as exc:
        if exc.kind == "media_type":
            raise ApiError(unsupported_media_type(request.content_type)) from None
        if exc.kind == "empty":
            raise rest_error(400, "GE0011", "Request body must not be empty.") from None
        raise rest_error(400, "IE0002", "Request body is not valid JSON.") from None


def read_request(environ: dict[str, Any]) -> Request:
    """Build a Request from a WSGI environ; PATH_INFO is re-decoded as UTF-8 (WSGI hands over latin-1)."""
    raw_path = environ.get("PATH_INFO", "") or "/"
    path = raw_path.encode("latin-1", "replace").decode("utf-8", "replace")
    headers = {key[5:].replace("_", "-").lower(): value for key, value in environ.items() if key.startswith("HTTP_")}
    if environ.get("CONTENT_TYPE"):
        headers["content-type"] = environ["CONTENT_TYPE"]
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    body = environ["wsgi.input"].read(min(length, MAX_BODY)) if length > 0 else b""
    query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
    return Request(environ.get("REQUEST_METHOD", "GET").upper(), path, query, headers, body)


def status_line(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"{status} Unknown"


def encode(response: Response) -> tuple[list[tuple[str, str]], bytes]:
    """Headers and bytes for a response; bodiless statuses (204) send nothing."""
    headers = list(response.headers)
    if response.body is None or response.status == 204:
        return headers, b""
    payload = json.dumps(response.body, ensure_ascii=False).encode("utf-8")
    headers.append(("Content-Type", "application/json;charset=utf-8"))
    headers.append(("Content-Length", str(len(payload))))
    return headers, payload
