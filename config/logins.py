"""Login throttling (django-axes): its app entry, the client address behind a proxy, and the lockout page.

Failed logins are counted per username *and* address, so the address must be the person's, not the
proxy's: behind one, every login would come from the proxy and a few wrong passwords typed for a staff
member's name would lock that person out from everywhere.
"""

from __future__ import annotations

import math

from axes.apps import AppConfig as AxesAppConfig
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class LoginAttemptsConfig(AxesAppConfig):
    """django-axes under a translatable name: its section of the admin index is otherwise just "Axes"."""

    verbose_name = gettext_lazy("Login attempts")


def client_ip(request: HttpRequest) -> str | None:
    """The address that reached the first of ``TRUSTED_PROXY_COUNT`` proxies (X-Forwarded-For, right to left).

    Each trusted proxy appends the address it received the request from, so the right-most entries are
    the ones written by our proxies; anything further left was sent by the client and can be forged.
    """
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if count <= 0 or len(forwarded) < count:
        return request.META.get("REMOTE_ADDR")
    return forwarded[-count]


def lockout_response(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """An admin-styled page (HTTP 429) saying how long the login stays locked, instead of axes' plain text."""
    from axes.helpers import get_cool_off
    from django.contrib import admin

    cool_off = get_cool_off(request)
    minutes = math.ceil(cool_off.total_seconds() / 60) if cool_off else None
    context = {
        **admin.site.each_context(request),
        "title": _("Login locked"),
        "minutes": minutes,
        "failure_limit": settings.AXES_FAILURE_LIMIT,
    }
    return render(request, "admin/locked_out.html", context, status=429)
