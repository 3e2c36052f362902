"""Delivery slips from the order admin: one order's slip as a page, and a list action for the selected orders.

Plain functions taking the ModelAdmin, so the order admin wires them in (``get_urls`` and ``actions``)
without this module knowing which admin class serves orders. Both need the right to view orders. Printing
a slip hands a qualified invoice (適格請求書) to the buyer, so each print is written to the audit trail.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lib.audit import record_action, record_actions

from .models import Order, ReportKind
from .report_views import progress_url
from .reports import start_job
from .slips import UNAVAILABLE_MESSAGE, SlipsUnavailable, slip_filename, slips_pdf

# At most this many orders in one PDF (about 0.1 s and 1 MB of a worker's memory per slip). Above
# RAKUTEN_SLIP_JOB_THRESHOLD orders the PDF is made by a worker (orders/reports.py), not in the request.
MAX_ORDERS_PER_PDF = 300


def slip_pdf_view(model_admin, request, object_id: str) -> HttpResponse:
    """The delivery slip(s) of one order, shown inline so the browser's viewer can print it."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    order = model_admin.get_object(request, unquote(object_id))
    if order is None:
        raise Http404
    try:
        response = _pdf_response([order])
    except SlipsUnavailable:
        _unavailable(model_admin, request)
        return HttpResponseRedirect(reverse("admin:orders_order_change", args=[order.pk]))
    record_action(request.user, order, _("Printed the delivery slip."))
    return response


@admin.action(description=gettext_lazy("Print delivery slips (PDF)"), permissions=["view"])
def print_delivery_slips(model_admin, request, queryset):
    """One PDF for the selected orders, oldest order first (the order they are usually packed in)."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    count = queryset.count()
    if count > MAX_ORDERS_PER_PDF:
        model_admin.message_user(
            request,
            _("%(n)d orders are selected, but at most %(max)d can be printed at once. Select fewer orders.")
            % {"n": count, "max": MAX_ORDERS_PER_PDF},
            messages.ERROR,
        )
        return None
    if count > settings.RAKUTEN_SLIP_JOB_THRESHOLD:
        return _start_job(request, queryset, count)
    orders = list(queryset.select_related("account").order_by("ordered_at", "id"))
    try:
        response = _pdf_response(orders)
    except SlipsUnavailable:
        _unavailable(model_admin, request)
        return None
    record_actions(request.user, orders, _("Printed the delivery slip."))
    return response


def _start_job(request, queryset, count: int) -> HttpResponseRedirect:
    """Too many for one request: a worker makes the PDF; the person watches its progress page."""
    ids = list(queryset.order_by("ordered_at", "id").values_list("pk", flat=True))
    job = start_job(kind=ReportKind.SLIPS, user=request.user, order_ids=ids, filename=f"delivery_slips_{count}.pdf")
    return HttpResponseRedirect(progress_url(job))


def _unavailable(model_admin, request) -> None:
    model_admin.message_user(request, str(UNAVAILABLE_MESSAGE), messages.ERROR)


def _pdf_response(orders: list[Order]) -> HttpResponse:
    pdf = slips_pdf(orders)
    response = HttpResponse(pdf.data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{slip_filename(orders)}"'
    response["Cache-Control"] = "no-store"  # personal data: keep it out of shared caches
    return response
