"""The order list's label files: export selected orders to a carrier's software, and upload what it gives back.

Export is an action with its own page: pick the carrier, see every package that cannot be made and why, then
download the file of the others. The upload is the tracking-number CSV's page and machinery (a preview of
every row, nothing written until confirmed, the same bytes checked again on confirm) on the carrier's file.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import EcAccount
from inventory.models import UploadJob
from inventory.upload_jobs import CHECK, WRITE, is_big, is_big_upload
from inventory.upload_pages import start
from lib.audit import record_action
from lib.csvfile import CsvFormatError
from lib.uploads import PreviewStore
from rakuten_link.admin.account_uploads import account_upload_job_view
from rakuten_link.shipping.admin.order_bulk import finish_import
from rakuten_link.shipping.forms import ShipmentUploadForm
from rakuten_link.shipping.label_export import NoLabelSettings, export_labels
from rakuten_link.shipping.label_import import import_labels
from rakuten_link.shipping.labels import COMPACT, MAILBOX, NORMAL

CARRIER_CHOICES = [("b2", "ヤマト運輸 B2クラウド"), ("ehiden", "佐川急便 e飛伝Ⅲ"), ("yupri", "日本郵便 ゆうプリR"),
                   ("clickpost", "日本郵便 クリックポスト")]
STORES = {code: PreviewStore(f"labels_{code}") for code, _name in CARRIER_CHOICES}


class CarrierForm(forms.Form):
    carrier = forms.ChoiceField(label=gettext_lazy("label software"), choices=CARRIER_CHOICES)
    size = forms.ChoiceField(label=gettext_lazy("parcel size"), required=False, choices=[
        ("", gettext_lazy("by the label settings' rules")), (NORMAL, gettext_lazy("normal parcel")),
        (COMPACT, gettext_lazy("compact (宅急便コンパクト)")),
        (MAILBOX, gettext_lazy("mailbox (ネコポス / ゆうパケット)"))])


class LabelUploadForm(ShipmentUploadForm):
    carrier = forms.ChoiceField(label=gettext_lazy("label software"), choices=CARRIER_CHOICES)
    field_order = ["account", "carrier", "file"]


@admin.action(description=gettext_lazy("Export a carrier label file (B2クラウド, e飛伝, ゆうプリR, クリックポスト)"),
              permissions=["change"])
def export_label_file(model_admin, request, queryset):
    orders = list(queryset.select_related("account").order_by("ordered_at", "pk"))
    accounts = {order.account for order in orders}
    if len(accounts) != 1:
        model_admin.message_user(request, _("Select the orders of one account at a time."), messages.ERROR)
        return None
    account = accounts.pop()
    form = CarrierForm(request.POST if "carrier" in request.POST else None)
    context: dict[str, Any] = {"result": None}
    if form.is_valid():
        try:
            result = export_labels(account, form.cleaned_data["carrier"], orders, size=form.cleaned_data["size"])
        except NoLabelSettings as exc:
            model_admin.message_user(request, str(exc), messages.ERROR)
            return None
        if "download" in request.POST and result.rows:
            record_action(request.user, account, _("Exported a %(carrier)s label file of %(n)d rows.")
                          % {"carrier": form.cleaned_data["carrier"], "n": result.rows})
            response = HttpResponse(result.data, content_type="text/csv; charset=Shift_JIS")
            response["Content-Disposition"] = f'attachment; filename="{result.filename}"'
            return response
        context["result"] = result
    return TemplateResponse(request, "admin/rakuten_link/order/export_labels.html", {
        **model_admin.admin_site.each_context(request), "opts": model_admin.model._meta,
        "title": _("Export a carrier label file"), "form": form, "orders": orders, "account": account,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME, **context})


def import_view(model_admin, request):
    """Upload → preview (nothing written) → confirm, as the tracking-number CSV."""
    if not model_admin.has_change_permission(request):
        raise PermissionDenied
    if request.method == "POST" and request.POST.get("preview_token"):
        return _confirm(model_admin, request)
    form = LabelUploadForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"report": None, "preview_token": None}
    if request.method == "POST" and form.is_valid():
        account, carrier, upload = (form.cleaned_data[name] for name in ("account", "carrier", "file"))
        if is_big_upload(upload):  # checked by a worker: the page follows its progress
            return _start(request, carrier, CHECK, STORES[carrier].keep(upload, account.pk), account.pk)
        data = upload.read()
        try:
            report = import_labels(data, account=account, carrier=carrier, dry_run=True)
        except (CsvFormatError, NoLabelSettings) as exc:
            form.add_error("file", str(exc))
        else:
            context["report"] = report
            if report.ok:
                context.update(preview_token=STORES[carrier].keep(data, account.pk), account=account)
            else:
                model_admin.message_user(request, _("Nothing was imported: fix the rows listed below."),
                                         messages.ERROR)
    return _render(model_admin, request, form, context)


def _confirm(model_admin, request):
    token = request.POST["preview_token"]
    carrier = next((code for code, kept in STORES.items() if kept.size(token)), "b2")
    store = STORES[carrier]
    account_id, data = store.read(token)
    account = EcAccount.objects.filter(pk=account_id).first() if account_id is not None else None
    if account is None or data is None:
        model_admin.message_user(request, _("The preview has expired; upload the file again."), messages.ERROR)
        return redirect("admin:orders_order_import_labels")
    if is_big(len(data)):
        return _start(request, carrier, WRITE, token, account.pk)
    report = import_labels(data, account=account, carrier=carrier, user=request.user)
    if not report.ok:
        model_admin.message_user(request, _("Nothing was imported: fix the rows listed below."), messages.ERROR)
        return _render(model_admin, request, LabelUploadForm(), {"report": report, "preview_token": None})
    store.drop(token)
    return finish_import(model_admin, request, account, report)


def _start(request, carrier: str, phase: str, token: str, account_id: int):
    return start(request, STORES[carrier], phase=phase, token=token, handler=f"{__name__}.import_{carrier}_for_job",
                 url="admin:orders_order_import_labels_job", account_id=account_id)


def _for_job(carrier: str):
    """What the worker runs for a big file of this carrier (inventory/upload_jobs.py): this page's import."""

    def run(stream, *, account_id: int, user, dry_run: bool):
        account = EcAccount.objects.filter(pk=account_id).first()
        if account is None:
            return None
        return import_labels(stream.read(), account=account, carrier=carrier, user=user, dry_run=dry_run)

    return run


import_b2_for_job, import_ehiden_for_job = _for_job("b2"), _for_job("ehiden")
import_yupri_for_job, import_clickpost_for_job = _for_job("yupri"), _for_job("clickpost")


def import_job_view(model_admin, request, job_id: int):
    if not model_admin.has_change_permission(request):
        raise PermissionDenied
    job = UploadJob.objects.filter(pk=job_id, kind__in=[store.prefix for store in STORES.values()]).first()
    store = STORES[job.kind.removeprefix("labels_")] if job is not None else STORES["b2"]
    return account_upload_job_view(model_admin, request, job_id, uploads=store,
                                   title=_("Upload a carrier's issued labels"),
                                   back_url=reverse("admin:orders_order_import_labels"), form=LabelUploadForm,
                                   render=_render, finish=finish_import)


def _render(model_admin, request, form, context):
    return TemplateResponse(request, "admin/rakuten_link/order/import_labels.html", {
        **model_admin.admin_site.each_context(request), "opts": model_admin.model._meta,
        "title": _("Upload a carrier's issued labels"), "form": form, **context})
