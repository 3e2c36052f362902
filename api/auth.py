"""Who is calling: the bearer token, its scopes and store, its rate and the size of what it sends.

Runs before the body is read (django-ninja authenticates before it parses), so a 10 MB body or a
flood from one till is refused without parsing anything.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from inventory.models import Store
from lib.clientaddress import client_ip

from . import tokens
from .models import ApiToken
from .problems import ApiProblem, FieldError

WINDOW = 60  # seconds: the rate limit counts requests per token per minute


class BearerToken(HttpBearer):
    """``Authorization: Bearer <token>``; every refusal is a problem with its own code."""

    def __call__(self, request: HttpRequest) -> ApiToken | None:
        header = request.headers.get("Authorization", "")
        if not header.lower().startswith("bearer "):
            raise ApiProblem(401, "unauthorized", _("Send the token as 'Authorization: Bearer <token>'."),
                             headers={"WWW-Authenticate": "Bearer"})
        return self.authenticate(request, header[7:].strip())

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken:
        found = tokens.find(token)
        if found is None:
            raise ApiProblem(401, "unauthorized", _("This token is not known."), headers={"WWW-Authenticate": "Bearer"})
        if found.revoked_at is not None:
            raise ApiProblem(401, "token_revoked", _("This token has been revoked."))
        if not found.is_live:
            raise ApiProblem(401, "token_expired", _("This token has expired: ask for a new one."))
        _check_rate(found)
        _check_size(request)
        tokens.touch(found, client_ip(request))
        return found


def _check_rate(token: ApiToken) -> None:
    """A fixed window per token in the cache: cheap, and shared by every worker when the cache is Redis."""
    limit = token.rate_limit or settings.API_RATE_LIMIT_PER_MINUTE
    now = time.time()
    window = int(now // WINDOW)
    key = f"api-rate:{token.pk}:{window}"
    cache.add(key, 0, timeout=WINDOW * 2)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=WINDOW * 2)
        count = 1
    if count > limit:
        wait = max(1, int((window + 1) * WINDOW - now) + 1)
        raise ApiProblem(429, "rate_limited",
                         _("More than %(limit)d requests a minute with this token: wait %(wait)d seconds.")
                         % {"limit": limit, "wait": wait}, headers={"Retry-After": str(wait)})


def _check_size(request: HttpRequest) -> None:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > settings.API_MAX_BODY_BYTES:
        raise ApiProblem(413, "body_too_large", _("The body is %(size)d bytes; at most %(max)d are accepted.")
                         % {"size": length, "max": settings.API_MAX_BODY_BYTES})


def require(request: HttpRequest, scope: str) -> ApiToken:
    token: ApiToken = request.auth  # type: ignore[attr-defined]
    if scope not in token.scopes:
        raise ApiProblem(403, "scope_missing", _("This token lacks the scope %(scope)s.") % {"scope": scope})
    return token


def check_store(token: ApiToken, store: Store, *, item: int | None = None, key: str | None = None) -> None:
    """A token bound to one store touches only that store."""
    if token.store_id is not None and token.store_id != store.pk:
        error = FieldError("store_forbidden", _("This token may only use store %(code)s.")
                           % {"code": token.store.code if token.store else ""}, "store", item, key)
        raise ApiProblem(403, "store_forbidden", error.detail, [error])
