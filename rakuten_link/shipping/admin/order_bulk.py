"""The order list's shipping tools: confirm selected, mark selected shipped, and the tracking-number CSV.

The CSV is checked twice on purpose, as the mapping upload is: once for the preview and again on confirm,
from the same bytes kept under var/uploads, so nothing the staff did not see can slip in between.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.models import EcAccount
from inventory.models import Store
from inventory.upload_jobs import CHECK, WRITE, is_big, is_big_upload
from inventory.upload_pages import start
from lib.audit import record_action, record_actions
from lib.csvfile import CsvFormatError
from lib.uploads import PreviewStore
from orders.models import Order
from rakuten_link.admin.account_uploads import account_upload_job_view
from rakuten_link.rms.codes import carrier_name
from rakuten_link.shipping.actions import confirm_orders_in_rms, numbers_text
from rakuten_link.shipping.bulk import ship_selected as ship_orders
from rakuten_link.shipping.bulk import skipped_messages
from rakuten_link.shipping.forms import BulkShipForm, ShipmentUploadForm
from rakuten_link.shipping.imports import import_shipments_csv

UPLOADS = PreviewStore("shipments")
IMPORT_URL = "admin:orders_order_import_shipments"
HANDLER = "rakuten_link.shipping.admin.order_bulk.import_for_job"


@admin.action(description=gettext_lazy("Confirm selected orders in RMS (注文確認)"), permissions=["change"])
def confirm_selected(model_admin, request, queryset):
    """confirmOrder per account (the client sends 100 numbers per call), then the orders are read again."""
    groups: dict[int, list] = {}
    for order in queryset.select_related("account"):
        groups.setdefault(order.account_id, []).append(order)
    for orders in groups.values():
        for level, text in confirm_orders_in_rms(orders[0].account, orders, user=request.user).messages:
            model_admin.message_user(request, text, level)


@admin.action(description=gettext_lazy("Mark selected orders shipped (tracking numbers by CSV)"),
              permissions=["change"])
def ship_selected(model_admin, request, queryset):
    """First a page asking carrier, date and store; its submit ("apply") records one parcel per order."""
    orders = list(queryset.select_related("account").order_by("ordered_at", "pk"))
    form = BulkShipForm(request.POST if "apply" in request.POST else None, stores=_stores_of(orders))
    if "apply" in request.POST and form.is_valid():
        result = ship_orders(orders, user=request.user, **form.cleaned_data)
        code = form.cleaned_data["delivery_company"]
        record_actions(request.user, result.shipped, _("Marked shipped from the order list: %(carrier)s.")
                       % {"carrier": f"{code} {carrier_name(code)}"})
        model_admin.message_user(request, ngettext(
            "%(n)d order marked shipped; upload its tracking number by CSV.",
            "%(n)d orders marked shipped; upload their tracking numbers by CSV.", len(result.shipped))
            % {"n": len(result.shipped)}, messages.SUCCESS if result.shipped else messages.WARNING)
        for text in skipped_messages(result, numbers_text):
            model_admin.message_user(request, text, messages.WARNING)
        return None
    return TemplateResponse(request, "admin/rakuten_link/order/ship_selected.html", {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": _("Mark orders shipped"),
        "form": form,
        "orders": orders,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    })


def _stores_of(orders: list[Order]) -> list[Store]:
    """The stores of the orders' accounts, the first order's account first: its first store is the default."""
    stores: dict[int, Store] = {}
    accounts = list(dict.fromkeys(order.account for order in orders))
    for account in accounts:
        stores.update((store.pk, store) for store in account.stores.all() if store.pk not in stores)
    return list(stores.values())


def import_view(model_admin, request):
    """Upload → preview (nothing written) → confirm: every parcel in one transaction, or none."""
    if not model_admin.has_change_permission(request):
        raise PermissionDenied
    if request.method == "POST" and request.POST.get("preview_token"):
        return _confirm(model_admin, request)
    form = ShipmentUploadForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"report": None, "preview_token": None}
    if request.method == "POST" and form.is_valid():
        account, data = form.cleaned_data["account"], form.cleaned_data["file"]
        try:
            if is_big_upload(data):  # checked by a worker: the page follows its progress
                return _start(request, CHECK, UPLOADS.keep(data, account.pk), account.pk)
            report = import_shipments_csv(data, account=account, dry_run=True)
        except CsvFormatError as exc:
            form.add_error("file", str(exc))
        else:
            context["report"] = report
            if report.ok:
                context.update(preview_token=UPLOADS.keep(data, account.pk), account=account)
            else:
                model_admin.message_user(request, _("Nothing was imported: fix the rows listed below."),
                                         messages.ERROR)
    return _render(model_admin, request, form, context)


def _confirm(model_admin, request):
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
        model_admin.message_user(request, _("Nothing was imported: fix the rows listed below."), messages.ERROR)
        return _render(model_admin, request, ShipmentUploadForm(), {"report": report, "preview_token": None})
    UPLOADS.drop(token)
    return finish_import(model_admin, request, account, report)


def finish_import(model_admin, request, account, report):
    """Audit and announce a finished import of tracking numbers (the request's own, or a worker's seen on its
    progress page); the carrier label upload ends the same way (labels.py)."""
    counts = {"c": report.created, "u": report.updated, "n": report.unchanged}
    record_action(request.user, account, _("Imported the tracking-number CSV: %(c)d new shipments, %(u)d updated, "
                                           "%(n)d unchanged.") % counts)
    model_admin.message_user(request, _("Tracking numbers imported: %(c)d new shipments, %(u)d updated, "
                                        "%(n)d unchanged. RMS will be told at the next shipping report.") % counts,
                             messages.SUCCESS)
    return redirect("admin:orders_order_changelist")


def _start(request, phase: str, token: str, account_id: int):
    return start(request, UPLOADS, phase=phase, token=token, handler=HANDLER,
                 url="admin:orders_order_import_shipments_job", account_id=account_id)


def import_for_job(stream, *, account_id: int, user, dry_run: bool):
    """What the worker runs (inventory/upload_jobs.py): the same import as this page's."""
    account = EcAccount.objects.filter(pk=account_id).first()
    if account is None:
        return None
    return import_shipments_csv(stream, account=account, dry_run=True) if dry_run else _import_kept(stream, account,
                                                                                                   user)


def import_job_view(model_admin, request, job_id: int):
    if not model_admin.has_change_permission(request):
        raise PermissionDenied
    return account_upload_job_view(model_admin, request, job_id, uploads=UPLOADS,
                                   title=_("Upload tracking numbers (CSV)"),
                                   back_url=reverse(IMPORT_URL), form=ShipmentUploadForm, render=_render,
                                   finish=finish_import)


def _import_kept(stream, account, user):
    """The confirm step's import of the kept file; None when the preview is gone."""
    return import_shipments_csv(stream, account=account, user=user) if stream is not None else None


def _render(model_admin, request, form, context):
    return TemplateResponse(request, "admin/rakuten_link/order/import_shipments.html", {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": _("Upload tracking numbers (CSV)"),
        "form": form,
        **context,
    })
