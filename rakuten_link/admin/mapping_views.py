"""Extra admin pages for mappings: CSV upload (preview, then confirm), export, template, payment codes.

The upload is checked twice on purpose: once for the preview and again on confirm, from the same
bytes kept under var/uploads, so nothing the staff did not see can slip in between.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import EcAccount
from inventory.upload_jobs import CHECK, WRITE, is_big, is_big_upload
from inventory.upload_pages import start
from lib.audit import record_action
from lib.csvfile import CsvFormatError
from lib.exports import download
from lib.uploads import PreviewStore
from rakuten_link.admin.account_uploads import account_upload_job_view
from rakuten_link.mappings.exports import mapping_rows, template_rows
from rakuten_link.mappings.forms import MappingUploadForm
from rakuten_link.mappings.imports import import_mappings_csv
from rakuten_link.mappings.payments import PaymentMappingForm, save_payment_mappings

UPLOADS = PreviewStore("mappings")
CHANGELIST = "admin:rakuten_link_productmapping_changelist"
IMPORT_URL = "admin:rakuten_link_productmapping_import"
HANDLER = "rakuten_link.admin.mapping_views.import_for_job"


def import_view(model_admin, request):
    _require(model_admin.has_add_permission(request) and model_admin.has_change_permission(request))
    form = MappingUploadForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"report": None, "preview_token": None}
    if request.method == "POST" and request.POST.get("preview_token"):
        return _confirm(model_admin, request, form)
    if request.method == "POST" and form.is_valid():
        account, data = form.cleaned_data["account"], form.cleaned_data["file"]
        try:
            if is_big_upload(data):  # checked by a worker: the page follows its progress
                return _start(request, CHECK, UPLOADS.keep(data, account.pk), account.pk)
            report = import_mappings_csv(data, account=account, dry_run=True)
        except CsvFormatError as exc:
            form.add_error("file", str(exc))
        else:
            context["report"] = report
            if report.ok:
                context.update(preview_token=UPLOADS.keep(data, account.pk), account=account)
            else:
                model_admin.message_user(request, _("Nothing was imported: fix the rows listed below."), messages.ERROR)
    return _render(model_admin, request, form, context)


def _confirm(model_admin, request, form):
    token = request.POST["preview_token"]
    with UPLOADS.open(token) as (account_id, stream):
        account = EcAccount.objects.filter(pk=account_id).first() if account_id else None
        if account is not None and is_big(UPLOADS.size(token)):
            return _start(request, WRITE, token, account.pk)
        report = _import_kept(stream, account, request.user) if account is not None else None
    if report is None:
        model_admin.message_user(request, _("The preview has expired; upload the file again."), messages.ERROR)
        return redirect(IMPORT_URL)
    if not report.ok:
        return _render(model_admin, request, MappingUploadForm(), {"report": report, "preview_token": None})
    UPLOADS.drop(token)
    return _finish(model_admin, request, account, report)


def _finish(model_admin, request, account, report):
    """Audit and announce a finished import (the request's own, or a worker's seen on its progress page)."""
    counts = {"c": report.created, "u": report.updated, "n": report.unchanged}
    record_action(request.user, account, _("Imported the product mapping CSV: %(c)d created, %(u)d updated, "
                                           "%(n)d unchanged.") % counts)
    model_admin.message_user(
        request,
        _("Mappings imported: %(c)d created, %(u)d updated, %(n)d unchanged. Verification against RMS has started.")
        % counts,
    )
    return redirect(CHANGELIST)


def _start(request, phase: str, token: str, account_id: int):
    return start(request, UPLOADS, phase=phase, token=token, handler=HANDLER,
                 url="admin:rakuten_link_productmapping_import_job", account_id=account_id)


def import_for_job(stream, *, account_id: int, user, dry_run: bool):
    """What the worker runs (inventory/upload_jobs.py): the same import as this page's."""
    account = EcAccount.objects.filter(pk=account_id).first()
    return import_mappings_csv(stream, account=account, dry_run=dry_run) if account is not None else None


def import_job_view(model_admin, request, job_id: int):
    _require(model_admin.has_add_permission(request) and model_admin.has_change_permission(request))
    return account_upload_job_view(model_admin, request, job_id, uploads=UPLOADS,
                                   title=_("Upload product mappings (CSV)"),
                                   back_url=reverse(IMPORT_URL), form=MappingUploadForm, render=_render,
                                   finish=_finish)


def _import_kept(stream, account, user):
    """The confirm step's import of the kept file; None when the preview is gone."""
    return import_mappings_csv(stream, account=account) if stream is not None else None


def _render(model_admin, request, form, context):
    from django.contrib import admin

    return TemplateResponse(request, "admin/rakuten_link/productmapping/import.html", {
        **admin.site.each_context(request),
        "opts": model_admin.model._meta,
        "title": _("Upload product mappings (CSV)"),
        "form": form,
        **context,
    })


def export_view(model_admin, request, fmt: str):
    """Exactly what the list shows (its filters and search), as CSV or Excel."""
    _require(model_admin.has_view_permission(request))
    queryset = model_admin.get_changelist_instance(request).get_queryset(request)
    return download(mapping_rows(queryset), filename="product_mappings", fmt=fmt)


def template_view(model_admin, request):
    _require(model_admin.has_view_permission(request))
    return download(template_rows(), filename="product_mappings_template", fmt="csv")


def payment_mapping_view(model_admin, request, account_id: int | None = None):
    _require(model_admin.has_add_permission(request) and model_admin.has_change_permission(request))
    accounts = list(EcAccount.objects.order_by("name"))
    if account_id is None and len(accounts) == 1:
        return redirect("admin:rakuten_link_paymentmethodmapping_edit", account_id=accounts[0].pk)
    account = get_object_or_404(EcAccount, pk=account_id) if account_id is not None else None
    form = PaymentMappingForm(request.POST or None, account=account) if account else None
    if form is not None and account is not None and request.method == "POST" and form.is_valid():
        saved, removed = save_payment_mappings(account=account, choices=form.choices())
        record_action(request.user, account, _("Saved the payment-method mappings: %(saved)d mapped, "
                                               "%(removed)d removed.") % {"saved": saved, "removed": removed})
        model_admin.message_user(request, _("%(name)s: %(saved)d payment methods mapped, %(removed)d removed.")
                                 % {"name": account.name, "saved": saved, "removed": removed})
        return redirect("admin:rakuten_link_paymentmethodmapping_changelist")
    from django.contrib import admin

    return TemplateResponse(request, "admin/rakuten_link/productmapping/payment_edit.html", {
        **admin.site.each_context(request),
        "opts": model_admin.model._meta,
        "title": _("Map Rakuten payment methods") + (f" — {account.name}" if account else ""),
        "form": form,
        "accounts": accounts,
    })


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied
