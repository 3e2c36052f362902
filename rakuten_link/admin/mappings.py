"""Admin for product and payment-method mappings (product-mapping issue).

The pages themselves live in mapping_views.py; these classes wire them up and keep the list useful:
a green / red / grey status, the last push and the last drift check at a glance.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import F, Q
from django.urls import path
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lib.adminpaging import BigListMixin
from lib.adminviews import AuditTrailMixin, html_table
from lib.audit import record_actions
from rakuten_link.admin import mapping_views
from rakuten_link.mappings.forms import ProductMappingForm
from rakuten_link.mappings.payments import settlement_label
from rakuten_link.mappings.rules import request_verification
from rakuten_link.mappings.status import request_recheck
from rakuten_link.models import DriftReport, MappingStatus, PaymentMethodMapping, ProductMapping
from rakuten_link.sync.inventory.pending import request_push

STATUS_COLOURS: dict[str, str] = {MappingStatus.OK: "#2e7d32", MappingStatus.ERROR: "#c62828",
                                  MappingStatus.UNCHECKED: "#9e9e9e"}


class DriftFilter(admin.SimpleListFilter):
    title = gettext_lazy("Rakuten stock (last check)")
    parameter_name = "drift"

    def lookups(self, request, model_admin):
        return [("differs", _("differs from what we pushed")), ("never", _("never pushed"))]

    def queryset(self, request, queryset):
        if self.value() == "differs":
            differs = ~Q(rakuten_quantity=F("last_pushed_quantity")) | Q(rakuten_quantity__isnull=True)
            return queryset.filter(differs, rakuten_read_at__isnull=False)
        if self.value() == "never":
            return queryset.filter(last_pushed_quantity__isnull=True)
        return queryset


@admin.register(ProductMapping)
class ProductMappingAdmin(BigListMixin, AuditTrailMixin, admin.ModelAdmin):
    form = ProductMappingForm
    list_display = ("status_badge", "account", "manage_number", "rakuten_sku", "merchant_defined_sku_id", "sku",
                    "safety_stock", "last_pushed_quantity", "rakuten_quantity", "checked_at")
    list_display_links = ("manage_number", "rakuten_sku")
    list_filter = ("status", "account", DriftFilter)
    ordering = ("account_id", "manage_number", "variant_id", "id")  # the index mapping_list_order
    list_select_related = ("account", "sku")
    search_fields = ("manage_number", "variant_id", "merchant_defined_sku_id", "legacy_h_choice", "legacy_v_choice",
                     "sku__code", "sku__name")
    autocomplete_fields = ("sku",)
    status_fields = ("status", "status_message", "checked_at", "last_pushed_quantity", "last_pushed_at",
                     "rakuten_quantity", "rakuten_read_at")
    readonly_fields = (*status_fields, "audit_trail")
    fieldsets = (
        (None, {"fields": ("account", "manage_number", "variant_id", "merchant_defined_sku_id", "sku",
                           "safety_stock")}),
        (gettext_lazy("Before the SKU migration"), {"fields": ("legacy_h_choice", "legacy_v_choice")}),
        (gettext_lazy("Status"), {"fields": status_fields}),
        (gettext_lazy("History"), {"fields": ("audit_trail",)}),
    )
    actions = ["verify_now", "push_now"]

    @admin.display(description=gettext_lazy("status"), ordering="status")
    def status_badge(self, obj: ProductMapping):
        return format_html('<span style="color:{}" title="{}">●</span> {}', STATUS_COLOURS.get(obj.status, "#9e9e9e"),
                           obj.status_message, obj.get_status_display())

    @admin.display(description=gettext_lazy("SKU management number"), ordering="variant_id")
    def rakuten_sku(self, obj: ProductMapping) -> str:
        if obj.variant_id:
            return obj.variant_id
        return " × ".join(c for c in (obj.legacy_h_choice, obj.legacy_v_choice) if c) or "—"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        for warning in getattr(form, "warnings", ()):
            self.message_user(request, warning, messages.WARNING)  # legitimate for set items: said, not refused
        if obj.status == MappingStatus.OK:
            pair = (obj.account_id, obj.sku_id)
            transaction.on_commit(lambda: request_push([pair]))  # a new safety stock or SKU shows at once
        else:
            transaction.on_commit(lambda: request_verification(obj.account_id))

    @admin.action(description=gettext_lazy("Verify the selected mappings against RMS now"), permissions=["change"])
    def verify_now(self, request, queryset):
        accounts = set(queryset.values_list("account_id", flat=True))
        record_actions(request.user, queryset, _("Verification against RMS requested."))
        request_recheck(queryset)
        for account_id in accounts:
            request_verification(account_id)
        self.message_user(request, _("Verification queued for %(n)d account(s).") % {"n": len(accounts)})

    @admin.action(description=gettext_lazy("Push the stock of the selected mappings now"), permissions=["change"])
    def push_now(self, request, queryset):
        verified = queryset.filter(status=MappingStatus.OK)
        record_actions(request.user, verified, _("Stock push to Rakuten requested."))
        verified.update(last_pushed_quantity=None)  # forces the push even when nothing changed
        request_push(set(verified.values_list("account_id", "sku_id")))
        self.message_user(request, _("Stock push queued for %(n)d verified mapping(s).") % {"n": verified.count()})

    def get_urls(self):
        view = self.admin_site.admin_view
        own = [
            path("import/", view(self.import_view), name="rakuten_link_productmapping_import"),
            path("import/jobs/<int:job_id>/", view(self.import_job_view),
                 name="rakuten_link_productmapping_import_job"),
            path("template/", view(self.template_view), name="rakuten_link_productmapping_template"),
            path("export/<str:fmt>/", view(self.export_view), name="rakuten_link_productmapping_export"),
        ]
        return own + super().get_urls()

    def import_view(self, request):
        return mapping_views.import_view(self, request)

    def import_job_view(self, request, job_id: int):
        return mapping_views.import_job_view(self, request, job_id)

    def template_view(self, request):
        return mapping_views.template_view(self, request)

    def export_view(self, request, fmt: str):
        return mapping_views.export_view(self, request, "csv" if fmt == "csv" else "xlsx")

    def changelist_view(self, request, extra_context=None):
        latest: dict[int, DriftReport] = {}
        for report in DriftReport.objects.select_related("account").order_by("-created_at")[:50]:
            latest.setdefault(report.account_id, report)
        extra_context = {**(extra_context or {}), "drift_reports": list(latest.values())}
        return super().changelist_view(request, extra_context=extra_context)


@admin.register(DriftReport)
class DriftReportAdmin(admin.ModelAdmin):
    """Evidence of a drift check: read-only."""

    list_display = ("created_at", "account", "checked", "differing", "missing", "fixed")
    list_filter = ("account",)
    readonly_fields = ("account", "created_at", "checked", "differing", "missing", "fixed", "sync_run", "differences")
    exclude = ("rows",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=gettext_lazy("differences"))
    def differences(self, obj: DriftReport):
        return html_table(
            [_("item"), _("SKU"), _("our SKU"), _("last pushed"), _("on Rakuten")],
            ((r["manage_number"], r["variant_id"], r["sku"], r["pushed"], "—" if r["rakuten"] is None else r["rakuten"])
             for r in obj.rows),
        )


@admin.register(PaymentMethodMapping)
class PaymentMethodMappingAdmin(admin.ModelAdmin):
    change_list_template = "admin/rakuten_link/productmapping/payment_change_list.html"
    list_display = ("account", "rakuten_method", "payment_method")
    list_filter = ("account", "payment_method")
    list_select_related = ("account", "payment_method")

    @admin.display(description=gettext_lazy("Rakuten settlement method"), ordering="settlement_method_code")
    def rakuten_method(self, obj: PaymentMethodMapping) -> str:
        return settlement_label(obj.settlement_method_code)

    def get_urls(self):
        view = self.admin_site.admin_view
        own = [
            path("edit/", view(self.edit_view), name="rakuten_link_paymentmethodmapping_choose"),
            path("edit/<int:account_id>/", view(self.edit_view), name="rakuten_link_paymentmethodmapping_edit"),
        ]
        return own + super().get_urls()

    def edit_view(self, request, account_id: int | None = None):
        return mapping_views.payment_mapping_view(self, request, account_id)
