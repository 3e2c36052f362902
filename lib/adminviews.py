"""Small helpers for admin pages that are forms calling a service (style rule 3)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.contrib import admin
from django.template.response import TemplateResponse
from django.utils.html import format_html, format_html_join


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


def html_table(headers: Sequence[str], rows: Iterable[Sequence]) -> str:
    """A small read-only table for an admin field (drift rows, tax summary); every cell is escaped."""
    head = format_html("<tr>{}</tr>", format_html_join("", "<th>{}</th>", ((h,) for h in headers)))
    body = format_html_join(
        "", "<tr>{}</tr>", ((format_html_join("", "<td>{}</td>", ((cell,) for cell in row)),) for row in rows)
    )
    return format_html("<table>{}{}</table>", head, body)
