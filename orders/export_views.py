"""The order export in the admin: actions on the selected orders, and a view for what the list shows.

The order admin wires these in (this module only provides them):

    actions = [..., export_selected_xlsx, export_selected_csv, export_selected_csv_cp932]
    path("export/", self.admin_site.admin_view(partial(export_filtered_view, self)), name="orders_order_export")

and the list links to ``export/?<its current query string>&format=xlsx|csv|csv-cp932``.

Exporting buyer names, addresses and phone numbers is a staff action on personal data, so each export
writes one audit entry (who, when, how many orders, which format). The file is built completely before
the response starts, so a character cp932 cannot hold ends in an error message on the list, not in a
half-downloaded file. An export of more than RAKUTEN_EXPORT_JOB_THRESHOLD lines is made by a worker instead
(orders/reports.py): the person is sent to its progress page, and nothing is audited until the file is made.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseBase, HttpResponseRedirect, QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lib.audit import record_action
from lib.exports import FORMATS, ExportEncodingError, file_response

from .exports import MONEY_COLUMNS, export_line_count, order_rows
from .models import Order, ReportKind
from .report_views import progress_url
from .reports import FORMAT_NAMES, start_job

DEFAULT_FORMAT = "xlsx"


def export_orders_action(model_admin, request: HttpRequest, queryset: QuerySet[Order],
                         fmt: str = DEFAULT_FORMAT) -> HttpResponseBase | None:
    """The selected orders as a download; None (the admin then shows the list again) after an error message."""
    _require_view(model_admin, request)
    return _export(model_admin, request, queryset, fmt)


@admin.action(description=gettext_lazy("Export selected orders (Excel)"), permissions=["view"])
def export_selected_xlsx(model_admin, request, queryset):
    return export_orders_action(model_admin, request, queryset, "xlsx")


@admin.action(description=gettext_lazy("Export selected orders (CSV, UTF-8)"), permissions=["view"])
def export_selected_csv(model_admin, request, queryset):
    return export_orders_action(model_admin, request, queryset, "csv")


@admin.action(description=gettext_lazy("Export selected orders (CSV, Shift_JIS)"), permissions=["view"])
def export_selected_csv_cp932(model_admin, request, queryset):
    return export_orders_action(model_admin, request, queryset, "csv-cp932")


def export_filtered_view(model_admin, request: HttpRequest) -> HttpResponseBase:
    """Exactly the orders the list shows with its filters, search and date drill-down; ?format= picks the file."""
    _require_view(model_admin, request)
    params = request.GET.copy()
    fmt = params.pop("format", [DEFAULT_FORMAT])[-1]
    # `format` is ours: the change list would take it for a filter and refuse it
    request.GET = QueryDict(params.urlencode())
    changelist_url = reverse(f"admin:{Order._meta.app_label}_{Order._meta.model_name}_changelist")
    try:
        queryset = model_admin.get_changelist_instance(request).get_queryset(request)
    except IncorrectLookupParameters:
        return HttpResponseRedirect(f"{changelist_url}?e=1")
    response = _export(model_admin, request, queryset, fmt)
    if response is None:
        query = params.urlencode()
        return HttpResponseRedirect(f"{changelist_url}?{query}" if query else changelist_url)
    return response


def _require_view(model_admin, request: HttpRequest) -> None:
    """Staff status only opens the admin: the export shows orders, so it needs the right to view them."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied


def _export(model_admin, request: HttpRequest, queryset: QuerySet[Order], fmt: str) -> HttpResponseBase | None:
    export_format = FORMATS.get(fmt, FORMATS[DEFAULT_FORMAT])
    filename = f"orders_{timezone.localtime():%Y%m%d_%H%M%S}"
    if export_line_count(queryset) > settings.RAKUTEN_EXPORT_JOB_THRESHOLD:
        ids = list(queryset.order_by("ordered_at", "id").values_list("pk", flat=True))
        job = start_job(kind=ReportKind.EXPORT, user=request.user, order_ids=ids, fmt=export_format.key,
                        filename=f"{filename}.{export_format.extension}")
        return HttpResponseRedirect(progress_url(job))
    try:
        response = file_response(order_rows(queryset), filename=filename, fmt=export_format,
                                     money_columns=MONEY_COLUMNS)
    except ExportEncodingError as exc:
        model_admin.message_user(request, _("Nothing was exported. %(error)s") % {"error": exc}, messages.ERROR)
        return None
    count = queryset.count()
    record_action(request.user, None, _("Orders exported as %(format)s: %(n)d.")
                  % {"n": count, "format": FORMAT_NAMES[export_format.key]}, model=Order)
    return response
