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
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import EcAccount
from lib.audit import record_action
from lib.csvfile import CsvFormatError
from lib.uploads import PreviewStore
from rakuten_link.shipping.forms import ShipmentUploadForm
from rakuten_link.shipping.label_export import NoLabelSettings, export_labels
from rakuten_link.shipping.label_import import import_labels
from rakuten_link.shipping.label_settings import LabelSettings

CARRIER_CHOICES = [("b2", "ヤマト運輸 B2クラウド"), ("ehiden", "佐川急便 e飛伝Ⅲ"), ("yupri", "日本郵便 ゆうプリR"),
                   ("clickpost", "日本郵便 クリックポスト")]
STORES = {code: PreviewStore(f"labels_{code}") for code, _name in CARRIER_CHOICES}


class CarrierForm(forms.Form):
    carrier = forms.ChoiceField(label=gettext_lazy("label software"), choices=CARRIER_CHOICES)


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
            result = export_labels(account, form.cleaned_data["carrier"], orders)
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
        account, carrier = form.cleaned_data["account"], form.cleaned_data["carrier"]
        data = form.cleaned_data["file"].read()
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
    report = import_labels(data, account=account, carrier=carrier, user=request.user)
    if not report.ok:
        model_admin.message_user(request, _("Nothing was imported: fix the rows listed below."), messages.ERROR)
        return _render(model_admin, request, LabelUploadForm(), {"report": report, "preview_token": None})
    store.drop(token)
    counts = {"c": report.created, "u": report.updated, "n": report.unchanged}
    record_action(request.user, account, _("Imported the tracking-number CSV: %(c)d new shipments, %(u)d updated, "
                                           "%(n)d unchanged.") % counts)
    model_admin.message_user(request, _("Tracking numbers imported: %(c)d new shipments, %(u)d updated, "
                                        "%(n)d unchanged. RMS will be told at the next shipping report.") % counts,
                             messages.SUCCESS)
    return redirect("admin:orders_order_changelist")


def _render(model_admin, request, form, context):
    return TemplateResponse(request, "admin/rakuten_link/order/import_labels.html", {
        **model_admin.admin_site.each_context(request), "opts": model_admin.model._meta,
        "title": _("Upload a carrier's issued labels"), "form": form, **context})


@admin.register(LabelSettings)
class LabelSettingsAdmin(admin.ModelAdmin):
    """送り状設定: one per account (the sender, the contract codes, which orders go as mailbox or compact)."""

    list_display = ["account", "sender_name", "b2_billing_code", "sagawa_customer_code", "yupri_label_code"]
    fieldsets = [
        (None, {"fields": ["account", "item_name"]}),
        (gettext_lazy("sender (ご依頼主)"), {"fields": ["sender_name", "sender_kana", "sender_zip", "sender_address",
                                                    "sender_phone"]}),
        (gettext_lazy("contracts"), {"fields": ["b2_billing_code", "b2_billing_class", "b2_freight_number",
                                                "sagawa_customer_code", "yupri_label_code"]}),
        (gettext_lazy("parcel kinds"), {"fields": ["mailbox_words", "compact_words", "mailbox_skus",
                                                   "compact_skus"]}),
        (gettext_lazy("layout options"), {"fields": ["options"]}),
    ]
