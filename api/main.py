"""The API at /api/v1/: django-ninja, bearer tokens, and every error as problem details (problems.py).

django-ninja was chosen for pydantic schemas that validate the input and make the OpenAPI document
(/api/v1/openapi.json) and the interactive page (/api/v1/docs) from the same code, at little cost per call.
"""

from __future__ import annotations

import json

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from . import problems
from .auth import BearerToken
from .problems import ApiProblem
from .views import router

api = NinjaAPI(
    title="Rakuten Link API", version="1", urls_namespace="api-v1", auth=BearerToken(),
    description="Stock, orders and shipments for the shop's own systems. See docs/api.md.",
)


@api.exception_handler(ApiProblem)
def _problem(request: HttpRequest, exc: ApiProblem) -> HttpResponse:
    return problems.response(exc)


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return problems.response(problems.from_validation(list(exc.errors)))


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    cause = exc.__cause__
    if isinstance(exc, AuthenticationError):
        problem = ApiProblem(401, "unauthorized", _("Send the token as 'Authorization: Bearer <token>'."))
    elif isinstance(cause, RequestDataTooBig):
        problem = ApiProblem(413, "body_too_large", _("The body is too large."))
    elif isinstance(cause, ValueError | UnicodeDecodeError | json.JSONDecodeError):
        problem = ApiProblem(400, "malformed_json", _("The body is not valid JSON: %(error)s") % {"error": cause})
    else:
        problem = ApiProblem(exc.status_code, "http_error", str(exc))
    return problems.response(problem)

api.add_router("", router)
