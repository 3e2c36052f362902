"""The page that answers an add form with a secret: shown there once, never put in a message or a log."""

from __future__ import annotations

from django.contrib import admin
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _


def secret_page(model_admin: admin.ModelAdmin, request, obj, intro: str, usage: str = "") -> TemplateResponse:
    """The secret goes into this page only; redirecting would have to carry it in a message (a cookie)."""
    context = {**model_admin.admin_site.each_context(request), "opts": model_admin.model._meta, "obj": obj,
               "secret": getattr(obj, "_secret", ""), "title": _("Copy the secret now"), "intro": intro,
               "usage": usage}
    return TemplateResponse(request, "admin/api/secret_once.html", context)
