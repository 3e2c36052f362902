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

from lib.clientaddress import client_ip  # noqa: F401  (AXES_CLIENT_IP_CALLABLE names it here)


class LoginAttemptsConfig(AxesAppConfig):
    """django-axes under a translatable name: its section of the admin index is otherwise just "Axes"."""

    verbose_name = gettext_lazy("Login attempts")


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
