"""The shipment list: every parcel with its report to Rakuten, so staff can find the ones not reported yet.

Read-only: a shipment is made, corrected and deleted on its order's page (shipping/admin/order_shipping.py),
where the stock and the report follow it; this list only finds them, and links to that page.
"""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy

from lib.adminpaging import BigListMixin
from orders.models import NOT_REPORTED, ReportState, Shipment
from rakuten_link.rms.codes import carrier_name


class ReportedFilter(admin.SimpleListFilter):
    """"Not reported" in one click: pending, being sent and refused together (the dashboard links here)."""

    title = gettext_lazy("reported to Rakuten")
    parameter_name = "reported"

    def lookups(self, request, model_admin):
        return [("no", gettext_lazy("not reported yet")), ("yes", gettext_lazy("reported"))]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(report_state__in=NOT_REPORTED)
        if self.value() == "yes":
            return queryset.filter(report_state=ReportState.REPORTED)
        return queryset


@admin.register(Shipment)
class ShipmentAdmin(BigListMixin, admin.ModelAdmin):
    list_display = ("shipped_on", "order_link", "account", "carrier", "tracking_number", "report_state",
                    "reported_at", "report_error")
    list_filter = (ReportedFilter, ("shipped_on", admin.DateFieldListFilter), "report_state", "order__account",
                   "deleted")
    list_select_related = ("order", "order__account")
    search_fields = ("order__order_number", "tracking_number")
    fields = ("order_link", "carrier", "tracking_number", "shipped_on", "store", "report_state", "reported_at",
              "report_error", "report_attempts", "deleted", "created_by", "created_at")
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # deleting a parcel is done on its order's page, which tells Rakuten too

    @admin.display(description=gettext_lazy("order"), ordering="order__order_number")
    def order_link(self, shipment: Shipment) -> str:
        url = reverse("admin:orders_order_change", args=[shipment.order_id])
        return format_html('<a href="{}">{}</a>', url, shipment.order.order_number)

    @admin.display(description=gettext_lazy("account"), ordering="order__account__name")
    def account(self, shipment: Shipment) -> str:
        return shipment.order.account.name

    @admin.display(description=gettext_lazy("carrier"), ordering="delivery_company")
    def carrier(self, shipment: Shipment) -> str:
        return carrier_name(shipment.delivery_company)
