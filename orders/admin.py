"""Admin for orders: a filterable list and a read-only order page (packages, lines, amounts, history, raw data).

Marketplace-neutral: the delivery slip (納品書PDF, slip_views.py) and the Excel/CSV export (export_views.py)
are wired in here; the Rakuten-specific additions (the 注文番号で取得 form, re-matching lines against
product mappings, confirming, shipping and cancelling through RMS) are added by rakuten_link/admin/orders.py,
which registers a subclass of OrderAdmin.
"""

from __future__ import annotations

from functools import partial
from typing import ClassVar

from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.db.models import Prefetch, prefetch_related_objects
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from lib.adminpaging import BigListMixin
from lib.adminviews import AuditTrailMixin
from lib.audit import record_actions

from . import admin_display as display
from . import report_admin  # noqa: F401  (registers 作成ファイル, the list of files made by a worker)
from .export_views import export_filtered_view, export_selected_csv, export_selected_csv_cp932, export_selected_xlsx
from .models import AttentionReason, Order, OrderLine, OrderPackage, OrderProgress, PaymentMethod
from .picking_views import picking_list_csv, picking_list_pdf, picking_list_xlsx, picking_view
from .report_views import report_download_view, report_progress_view, report_status_view
from .search import NAME_WINDOW, is_name_search, search_orders
from .services import allocate_order, mark_checked
from .slip_views import print_delivery_slips, slip_pdf_view
from .timeline_display import timeline_html


@admin.register(PaymentMethod)
class PaymentMethodAdmin(admin.ModelAdmin):
    # The name is what staff know a method by; the code (for exports) comes second.
    list_display = ("name", "code", "active")
    list_filter = ("active",)
    search_fields = ("code", "name")


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class PackageInline(ReadOnlyInline):
    model = OrderPackage
    fields: ClassVar[tuple[str, ...]] = (
        "basket_id", "recipient_name", "recipient_kana", "recipient_zip", "recipient_address", "recipient_phone",
        "postage_price_shown", "delivery_price_shown", "goods_price_shown", "total_price_shown",
        "default_delivery_company")
    readonly_fields = fields
    postage_price_shown = display.shown_as(OrderPackage, "postage_price", display.yen)
    delivery_price_shown = display.shown_as(OrderPackage, "delivery_price", display.yen)
    goods_price_shown = display.shown_as(OrderPackage, "goods_price", display.yen)
    total_price_shown = display.shown_as(OrderPackage, "total_price", display.yen)


class LineInline(ReadOnlyInline):
    model = OrderLine
    fields = ("basket", "manage_number", "variant_id", "item_number", "name", "choices", "price_shown", "units",
              "tax_rate_shown", "sku_or_check", "allocated_units", "needs_attention", "removed")
    readonly_fields = fields
    price_shown = display.shown_as(OrderLine, "price", display.yen)
    tax_rate_shown = display.shown_as(OrderLine, "tax_rate", display.percent)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("sku", "package")

    @admin.display(description=gettext_lazy("basket id"))
    def basket(self, line: OrderLine):
        return line.package.basket_id if line.package else "—"

    @admin.display(description=gettext_lazy("SKU info / selected options"))
    def choices(self, line: OrderLine) -> str:
        return " / ".join(t for t in (line.sku_info, line.selected_choice) if t).replace("\n", ", ") or "—"

    @admin.display(description=gettext_lazy("our SKU"))
    def sku_or_check(self, line: OrderLine) -> str:
        return display.sku_badge(line)


class ProgressFilter(admin.SimpleListFilter):
    title = gettext_lazy("Rakuten status")
    parameter_name = "progress"

    def lookups(self, request, model_admin):
        return [(str(code.value), display.progress_text(code.value)) for code in OrderProgress]

    def queryset(self, request, queryset):
        value = self.value() or ""
        return queryset.filter(order_progress=int(value)) if value.isdigit() else queryset


class AttentionFilter(admin.SimpleListFilter):
    title = gettext_lazy("needs-attention reason")
    parameter_name = "reason"

    def lookups(self, request, model_admin):
        return AttentionReason.choices

    def queryset(self, request, queryset):
        # A substring test on the JSON text works on SQLite and PostgreSQL alike; reason codes are distinct words.
        return queryset.filter(attention_reasons__icontains=f'"{self.value()}"') if self.value() else queryset


class OrderChangeList(ChangeList):
    """Reads the lines of the orders on the page, for the list's 商品 column, in one query.

    Only the page shown: the actions and exports use the same queryset and read lines their own way.
    """

    def get_results(self, request):
        super().get_results(request)
        listed = OrderLine.objects.filter(removed=False).only("order_id", "name", "units").order_by("id")
        prefetch_related_objects(list(self.result_list), Prefetch("lines", listed, to_attr="listed_lines"))


MONEY_FIELDS = ("goods_price", "postage_price", "delivery_price", "payment_charge", "coupon_total", "total_price",
                "request_price")


@admin.register(Order)
class OrderAdmin(BigListMixin, AuditTrailMixin, admin.ModelAdmin):
    # One line per order at 1366 px: long values are clipped (full text on hover), see order_list.css.
    list_display = ("order_number", "ordered", "rakuten_status", "state", "buyer", "items", "total", "payment",
                    "list_flags", "account_name")
    # By date: links to today, 7 days, this month, this year (index ranges); a date hierarchy would read
    # every order for its years and months.
    list_filter = (("ordered_at", admin.DateFieldListFilter), "state", ProgressFilter, AttentionFilter, "account",
                   "payment_method")
    list_select_related = ("account", "payment_method")
    search_fields = ("order_number", "buyer_name", "buyer_kana", "buyer_phone", "buyer_email")  # see orders/search.py
    search_help_text = gettext_lazy(
        "Order number (whole, its start with dashes, or its last 4 digits or more), phone number (whole, with or "
        "without hyphens), e-mail address (whole), or part of the buyer's name or kana (spaces ignored; the newest "
        "1,000 matches).")
    list_per_page = 50
    actions = ["retry_allocation", "mark_as_checked", print_delivery_slips, picking_list_pdf, picking_list_xlsx,
               picking_list_csv, export_selected_xlsx,
               export_selected_csv, export_selected_csv_cp932]
    inlines = [PackageInline, LineInline]  # the marketplace's changes (OrderChange) are on the timeline
    fieldsets = (
        (None, {"fields": ("order_number", "account", "progress", "sub_status_name", "state", "flags")}),
        (gettext_lazy("Timeline"), {"fields": ("timeline",)}),
        (gettext_lazy("Dates"), {"fields": ("ordered_at", "confirmed_at", "fixed_at", "shipping_reported_at",
                                            "fetched_at", "updated_at")}),
        (gettext_lazy("Buyer"), {"fields": ("buyer_name", "buyer_kana", "buyer_email", "buyer_phone", "buyer_zip",
                                            "buyer_address", "remarks")}),
        (gettext_lazy("Payment and amounts"), {"fields": (
            "settlement", "payment_method", *(f"{name}_shown" for name in MONEY_FIELDS), "used_point", "taxes")}),
        (gettext_lazy("Raw marketplace data"), {"classes": ("collapse",), "fields": ("raw_json", "content_hash")}),
        (gettext_lazy("History"), {"fields": ("audit_trail",)}),
    )

    class Media:
        css = {"all": ("orders/order_list.css",)}

    def get_urls(self):
        """納品書PDF of one order (the order page links to it) and the export of what the list shows."""
        def wrap(view):
            return self.admin_site.admin_view(partial(view, self))

        own = [path("export/", wrap(export_filtered_view), name="orders_order_export"),
               path("reports/<int:job_id>/", wrap(report_progress_view), name="orders_order_report"),
               path("reports/<int:job_id>/status/", wrap(report_status_view), name="orders_order_report_status"),
               path("reports/<int:job_id>/download/", wrap(report_download_view),
                    name="orders_order_report_download"),
               path("picking/", wrap(picking_view), name="orders_order_picking"),
               path("<path:object_id>/slip/", wrap(slip_pdf_view), name="orders_order_slip")]
        return own + super().get_urls()

    def has_add_permission(self, request) -> bool:
        return False  # orders come from the marketplace

    def has_change_permission(self, request, obj=None) -> bool:
        # The order page is read-only; list actions (retry allocation, mark as checked) still need the right.
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # orders hold stock movements and history

    def get_readonly_fields(self, request, obj=None):
        return [name for _title, options in self.fieldsets for name in options["fields"]]

    def get_changelist(self, request, **kwargs):
        return OrderChangeList

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        """A name search lists the newest NAME_WINDOW matches (orders/search.py): that is its cap."""
        paginator = super().get_paginator(request, queryset, per_page, orphans, allow_empty_first_page)
        if is_name_search(request.GET.get("q", "")):
            paginator.cap = NAME_WINDOW
        return paginator

    def get_search_results(self, request, queryset, search_term):
        """Each kind of term through its own index (orders/search.py); one order per row, never duplicates."""
        return search_orders(queryset, search_term), False

    @admin.display(description=Order._meta.get_field("ordered_at").verbose_name, ordering="ordered_at")
    def ordered(self, order: Order) -> str:
        return display.list_time(order.ordered_at)

    @admin.display(description=gettext_lazy("Rakuten status"), ordering="order_progress")
    def progress(self, order: Order) -> str:
        return display.progress_text(order.order_progress)

    @admin.display(description=gettext_lazy("Rakuten status"), ordering="order_progress")
    def rakuten_status(self, order: Order) -> str:
        return display.progress_label(order.order_progress)

    @admin.display(description=Order._meta.get_field("buyer_name").verbose_name, ordering="buyer_name")
    def buyer(self, order: Order) -> str:
        return display.clipped(order.buyer_name)

    @admin.display(description=gettext_lazy("line items"))
    def items(self, order: Order) -> str:
        return display.lines_summary(order.listed_lines)

    @admin.display(description=Order._meta.get_field("payment_method").verbose_name, ordering="payment_method")
    def payment(self, order: Order) -> str:
        return display.clipped(order.payment_method)

    @admin.display(description=Order._meta.get_field("account").verbose_name, ordering="account__name")
    def account_name(self, order: Order) -> str:
        return display.clipped(order.account.name)

    @admin.display(description=gettext_lazy("flags"))
    def list_flags(self, order: Order) -> str:
        return display.reason_badges(order.attention_reasons, short=True)

    @admin.display(description=gettext_lazy("billed amount"), ordering="request_price")
    def total(self, order: Order) -> str:
        return f"¥{order.request_price:,}"

    @admin.display(description=gettext_lazy("flags"))
    def flags(self, order: Order) -> str:
        return display.reason_badges(order.attention_reasons)

    @admin.display(description=gettext_lazy("settlement method"))
    def settlement(self, order: Order) -> str:
        return f"{order.settlement_method_code or '—'} {order.settlement_method_name}".strip()

    @admin.display(description=gettext_lazy("per-tax-rate summary"))
    def taxes(self, order: Order) -> str:
        return display.tax_table(order.tax_summary)

    @admin.display(description=gettext_lazy("what happened, newest first"))
    def timeline(self, order: Order) -> str:
        return timeline_html(order)

    @admin.display(description=gettext_lazy("raw order data"))
    def raw_json(self, order: Order) -> str:
        return display.pretty_json(order.raw)

    @admin.action(description=gettext_lazy("Retry stock allocation"), permissions=["change"])
    def retry_allocation(self, request, queryset):
        for order in queryset:
            allocate_order(order, user=request.user)
        record_actions(request.user, queryset, _("Retried stock allocation."))
        self.message_user(request, ngettext("Allocation retried for %(n)d order.",
                                            "Allocation retried for %(n)d orders.", queryset.count())
                          % {"n": queryset.count()}, messages.SUCCESS)

    @admin.action(description=gettext_lazy("Mark as checked (clear change / return flags)"), permissions=["change"])
    def mark_as_checked(self, request, queryset):
        for order in queryset:
            mark_checked(order, user=request.user)
        record_actions(request.user, queryset, _("Marked as checked (change / return flags cleared)."))
        self.message_user(request, _("%(n)d orders marked as checked.") % {"n": queryset.count()}, messages.SUCCESS)


for _name in MONEY_FIELDS:  # the order page shows each amount as ¥1,234 (fieldsets name these *_shown)
    setattr(OrderAdmin, f"{_name}_shown", display.shown_as(Order, _name, display.yen))
