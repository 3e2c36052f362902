"""Errors as RFC 9457 problem details: one JSON shape, a Japanese message and a stable machine code.

Every refusal of the API comes out of here, so a client can rely on ``code`` (and on ``errors[].code``
per item and field) while people read ``detail``. The codes are listed in docs/api.md; never rename one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

TITLES = {
    400: gettext_lazy("Bad request"),
    401: gettext_lazy("Not authenticated"),
    403: gettext_lazy("Not allowed"),
    404: gettext_lazy("Not found"),
    409: gettext_lazy("Conflict"),
    413: gettext_lazy("Request too large"),
    422: gettext_lazy("Invalid input"),
    429: gettext_lazy("Too many requests"),
}
CONTENT_TYPE = "application/problem+json"


@dataclass
class FieldError:
    """One bad field of one item: ``item`` is its position in the list (0-based), None for the request."""

    code: str
    detail: str
    field: str = ""
    item: int | None = None
    key: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {"item": self.item, "key": self.key, "field": self.field, "code": self.code, "detail": self.detail}


@dataclass
class ApiProblem(Exception):
    """Raised anywhere below a view; the API turns it into the response (the transaction is rolled back)."""

    status: int
    code: str
    detail: str
    errors: list[FieldError] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.status} {self.code}: {self.detail}"


def invalid(errors: list[FieldError]) -> ApiProblem:
    """422 for item errors: the first one's text is the detail, all of them are listed."""
    first = errors[0]
    where = _("item %(n)d, ") % {"n": first.item} if first.item is not None else ""
    detail = _("%(where)s%(field)s: %(detail)s") % {"where": where, "field": first.field or "—", "detail": first.detail}
    if len(errors) > 1:
        detail += _(" (and %(n)d more errors)") % {"n": len(errors) - 1}
    return ApiProblem(422, errors[0].code if len({e.code for e in errors}) == 1 else "invalid_request",
                      detail, errors)


def response(problem: ApiProblem) -> HttpResponse:
    body = {
        "type": f"/api/v1/errors/{problem.code}",
        "title": str(TITLES.get(problem.status, _("Error"))),
        "status": problem.status,
        "code": problem.code,
        "detail": problem.detail,
    }
    if problem.errors:
        body["errors"] = [e.as_json() for e in problem.errors]
    reply = HttpResponse(json.dumps(body, ensure_ascii=False), status=problem.status, content_type=CONTENT_TYPE)
    for name, value in problem.headers.items():
        reply[name] = value
    return reply


def from_validation(errors: list[dict[str, Any]]) -> ApiProblem:
    """pydantic's errors (English, by type) → ours, in Japanese, each with its item and field."""
    return invalid([_field_error(error) for error in errors] or [FieldError("invalid_request", _("Invalid input."))])


def _field_error(error: dict[str, Any]) -> FieldError:
    loc = [part for part in error.get("loc", ()) if part not in ("body", "payload", "query")]
    item = next((part for part in loc if isinstance(part, int)), None)
    names = [str(part) for part in loc if not isinstance(part, int)]
    code, detail = _translate(error.get("type", ""), error.get("ctx") or {})
    return FieldError(code, detail, field=names[-1] if names else "", item=item)


def _translate(kind: str, ctx: dict[str, Any]) -> tuple[str, str]:
    if kind == "missing":
        return "required", _("This field is required.")
    if kind.startswith("int_"):
        return "not_an_integer", _("Give a whole number.")
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        limit = next(iter(ctx.values()), "")
        words = {"greater_than": _("more than %(limit)s"), "greater_than_equal": _("at least %(limit)s"),
                 "less_than": _("less than %(limit)s"), "less_than_equal": _("at most %(limit)s")}[kind]
        return "out_of_range", _("Out of range: the value must be %(rule)s.") % {"rule": words % {"limit": limit}}
    if kind == "too_long":
        return "too_many_items", _("Too many: at most %(max)s.") % {"max": ctx.get("max_length", "")}
    if kind == "too_short":
        return "too_few_items", _("Give at least %(min)s.") % {"min": ctx.get("min_length", "")}
    if kind == "string_too_long":
        return "too_long", _("Too long: at most %(max)s characters.") % {"max": ctx.get("max_length", "")}
    if kind in ("string_too_short", "string_pattern_mismatch"):
        return "invalid_text", _("This text is empty or has characters that are not allowed.")
    if kind == "string_type":
        return "not_text", _("Give text (in double quotes).")
    if kind in ("literal_error", "enum"):
        return "invalid_choice", _("Choose one of: %(choices)s.") % {"choices": ctx.get("expected", "")}
    if kind.startswith("date"):
        return "invalid_date", _("Give a date as YYYY-MM-DD.")
    if kind == "extra_forbidden":
        return "unknown_field", _("Unknown field: remove it or check its spelling.")
    if kind in ("model_type", "model_attributes_type", "dict_type", "list_type"):
        return "invalid_shape", _("Wrong shape: see the schema in /api/v1/docs.")
    return "invalid", _("Invalid value.")
