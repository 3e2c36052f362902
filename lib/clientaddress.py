"""The client's address behind our proxies: for login throttling (django-axes) and the API tokens' last caller."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The address that reached the first of ``TRUSTED_PROXY_COUNT`` proxies (X-Forwarded-For, right to left).

    Each trusted proxy appends the address it received the request from, so the right-most entries are
    the ones written by our proxies; anything further left was sent by the client and can be forged.
    """
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if count <= 0 or len(forwarded) < count:
        remote: str | None = request.META.get("REMOTE_ADDR")
        return remote
    address: str = forwarded[-count]
    return address
