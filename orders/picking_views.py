"""The picking list from the order list: actions for the selected orders (PDF, Excel, CSV), and a view for
everything allocated and not shipped (``picking/?format=pdf|xlsx|csv[&account=ID]``), wired in by the order admin.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from accounts.models import EcAccount
from lib.exports import download

from .picking import header, picking_pdf, picking_rows, table, to_pick
from .slips import UNAVAILABLE_MESSAGE, SlipsUnavailable


def picking_response(model_admin, request, orders, fmt: str):
    rows = picking_rows(orders)
    name = f"picking-{timezone.localtime():%Y%m%d-%H%M}"
    if fmt in ("xlsx", "csv"):
        return download([header(), *table(rows)], filename=name, fmt=fmt)
    try:
        data = picking_pdf(rows)
    except SlipsUnavailable:
        model_admin.message_user(request, str(UNAVAILABLE_MESSAGE), messages.ERROR)
        return HttpResponseRedirect(reverse("admin:orders_order_changelist"))
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    return response


@admin.action(description=gettext_lazy("Picking list (PDF)"), permissions=["view"])
def picking_list_pdf(model_admin, request, queryset):
    return picking_response(model_admin, request, queryset, "pdf")


@admin.action(description=gettext_lazy("Picking list (Excel)"), permissions=["view"])
def picking_list_xlsx(model_admin, request, queryset):
    return picking_response(model_admin, request, queryset, "xlsx")


@admin.action(description=gettext_lazy("Picking list (CSV)"), permissions=["view"])
def picking_list_csv(model_admin, request, queryset):
    return picking_response(model_admin, request, queryset, "csv")


def picking_view(model_admin, request):
    """Everything allocated and not shipped, of one account (``account``) or all."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    account = EcAccount.objects.filter(pk=request.GET.get("account") or 0).first()
    fmt = request.GET.get("format", "pdf")
    if fmt not in ("pdf", "xlsx", "csv"):
        fmt = "pdf"
    return picking_response(model_admin, request, to_pick(account), fmt)
