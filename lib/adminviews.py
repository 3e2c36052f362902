"""Small helpers for admin pages that are forms calling a service (style rule 3)."""

from __future__ import annotations

from django.contrib import admin
from django.template.response import TemplateResponse


def render_admin_form(request, model_admin: admin.ModelAdmin, *, title: str, form, extra: dict | None = None,
                      template: str = "admin/form_page.html") -> TemplateResponse:
    """Render a form page that looks and navigates like the rest of the admin."""
    context = {
        **admin.site.each_context(request),
        "opts": model_admin.model._meta,
        "title": title,
        "form": form,
        **(extra or {}),
    }
    return TemplateResponse(request, template, context)
