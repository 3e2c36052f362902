"""Small helpers for admin pages: form pages calling a service, small read-only tables, the audit field."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model
from django.forms.formsets import BaseFormSet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lib.audit import change_message, entries_for


def render_admin_form(request: HttpRequest, model_admin: admin.ModelAdmin[Any], *, title: str,
                      form: forms.BaseForm, extra: dict[str, Any] | None = None,
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


def html_table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A small read-only table for an admin field (drift rows, tax summary); every cell is escaped."""
    head = format_html("<tr>{}</tr>", format_html_join("", "<th>{}</th>", ((h,) for h in headers)))
    body = format_html_join(
        "", "<tr>{}</tr>", ((format_html_join("", "<td>{}</td>", ((cell,) for cell in row)),) for row in rows)
    )
    return format_html("<table>{}{}</table>", head, body)


class AuditTrailMixin:
    """A read-only 操作履歴 field on the object's page: the latest audit entries and a link to all of them.

    Add ``"audit_trail"`` to the admin's ``readonly_fields`` and to a fieldset.
    """

    def construct_change_message(
        self, request: HttpRequest, form: forms.Form, formsets: Iterable[BaseFormSet[Any]], add: bool = False
    ) -> list[dict[str, dict[str, list[str]]]]:
        return change_message(form, formsets, add)

    @admin.display(description=gettext_lazy("audit trail"))
    def audit_trail(self, obj: Model | None) -> str:
        if obj is None or obj.pk is None:
            return "—"
        rows = [
            (timezone.localtime(entry.action_time).strftime("%Y-%m-%d %H:%M:%S"), entry.user.get_username(),
             entry.get_action_flag_display(), entry.get_change_message())
            for entry in entries_for(obj)
        ]
        if not rows:
            return "—"
        table = html_table([_("time"), _("user"), _("action"), _("detail")], rows)
        try:
            url = reverse("admin:admin_logentry_changelist")
        except NoReverseMatch:
            return table
        content_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
        query = urlencode({"content_type__id__exact": content_type.pk, "object_id": obj.pk})
        return format_html('{}<p><a href="{}?{}">{}</a></p>', table, url, query, _("All entries"))
