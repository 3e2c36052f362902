"""EC account admin: status badge, license countdown, write-only secrets.

No page shows a stored secret: editors get write-only password inputs, and wherever a secret would be
rendered read-only (a view-only user's page, or a secret listed in ``readonly_fields``) Django's plain
text rendering is replaced by the masked form (the last 3 characters).
"""

from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lib.adminviews import AuditTrailMixin

from .forms import EcAccountForm
from .models import AccountStatus, EcAccount
from .secrets import SECRET_FIELDS, masked

MASKED_DISPLAY = {name: f"{name}_masked" for name in SECRET_FIELDS}
BADGE_COLOURS: dict[str, str] = {AccountStatus.VALID: "#1a7f37", AccountStatus.INVALID: "#cf222e",
                                 AccountStatus.UNCHECKED: "#6e7781"}


def status_badge(account: EcAccount) -> str:
    colour = BADGE_COLOURS.get(account.status, "#6e7781")
    return format_html(
        '<span class="status-badge status-{}" style="background:{};color:#fff;padding:2px 8px;'
        'border-radius:10px;font-weight:bold">{}</span>',
        account.status,
        colour,
        account.get_status_display(),
    )


def license_countdown(account: EcAccount) -> str:
    days, expires = account.license_days_left, account.license_expires_at
    if days is None or expires is None:
        return "—"
    colour = "#cf222e" if account.license_expiring_soon else "inherit"
    label = _("expired") if days < 0 else _("%(days)d days left") % {"days": days}
    local = expires.astimezone()
    return format_html(
        '<span class="license-days" style="color:{}">{} ({})</span>', colour, local.strftime("%Y-%m-%d"), label
    )


@admin.register(EcAccount)
class EcAccountAdmin(AuditTrailMixin, admin.ModelAdmin):
    form = EcAccountForm
    list_display = ("name", "store_list", "status_column", "license_column", "jobs_paused")
    list_filter = ("status", "jobs_paused")
    search_fields = ("name", "shop_url")
    filter_horizontal = ("stores",)
    readonly_fields = (
        "status_column", "status_checked_at", "license_column", "credentials_changed_at", "jobs_paused",
        "messages_paused", "created_at", "updated_at", "audit_trail", *MASKED_DISPLAY.values(),
    )
    fieldsets = (
        (None, {"fields": ("name", "stores", "shop_url", "status_column", "status_checked_at")}),
        (gettext_lazy("RMS WEB SERVICE credentials"),
         {"fields": ("service_secret", "license_key", "license_column", "credentials_changed_at")}),
        (gettext_lazy("楽天あんしんメルアド (SMTP relay)"),
         {"fields": ("smtp_id", "smtp_password", "smtp_from_address")}),
        (gettext_lazy("Buyer messages"),
         {"fields": ("template_new_order", "template_shipped", "template_cancelled", "template_follow_up",
                     "follow_up_days", "hold_messages", "messages_paused")}),
        (gettext_lazy("Automatic jobs"),
         {"fields": ("job_fetch_orders", "job_fast_orders", "job_push_inventory", "job_report_shipments",
                     "auto_confirm_orders", "jobs_paused")}),
        (gettext_lazy("Stock and tax"), {"fields": ("safety_stock", "tax_rounding")}),
        (gettext_lazy("Alerts"), {"fields": ("alert_email",)}),
        (gettext_lazy("Delivery slip"), {"fields": ("shop_zip", "shop_address", "shop_phone")}),
        (gettext_lazy("Qualified invoice"), {"fields": ("invoice_issuer_name", "invoice_registration_number")}),
        (gettext_lazy("Listing"), {"fields": ("prohibited_words", "price_markup_percent", "price_rounding")}),
        (gettext_lazy("History"), {"fields": ("audit_trail", "created_at", "updated_at")}),
    )

    def get_fieldsets(self, request, obj: EcAccount | None = None) -> list:
        """Swap every secret that would be rendered read-only for its masked display."""
        fieldsets = super().get_fieldsets(request, obj)
        read_only = set(self.get_readonly_fields(request, obj))
        if obj is not None and not self.has_change_permission(request, obj):
            read_only.update(SECRET_FIELDS)
        return [
            (title, {**options, "fields": _mask_fields(options.get("fields", ()), read_only)})
            for title, options in fieldsets
        ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("stores")

    @admin.display(description=gettext_lazy("stores"))
    def store_list(self, obj: EcAccount) -> str:
        return format_html_join(", ", "{}", ((store.name,) for store in obj.stores.all())) or "—"

    @admin.display(description=gettext_lazy("status"), ordering="status")
    def status_column(self, obj: EcAccount) -> str:
        if obj.pk is None:
            return "—"
        badge = status_badge(obj)
        if obj.status_reason:
            return format_html('{} <span class="status-reason">{}</span>', badge, obj.status_reason)
        return badge

    @admin.display(description=gettext_lazy("licenseKey expiry"), ordering="license_expires_at")
    def license_column(self, obj: EcAccount) -> str:
        return license_countdown(obj)

    @admin.display(description=gettext_lazy("serviceSecret"))
    def service_secret_masked(self, obj: EcAccount) -> str:
        return masked(obj.service_secret) or "—"

    @admin.display(description=gettext_lazy("licenseKey"))
    def license_key_masked(self, obj: EcAccount) -> str:
        return masked(obj.license_key) or "—"

    @admin.display(description=gettext_lazy("SMTP AUTH password"))
    def smtp_password_masked(self, obj: EcAccount) -> str:
        return masked(obj.smtp_password) or "—"


def _mask_fields(fields, read_only: set[str]) -> tuple:
    """Fieldset rows with each read-only secret replaced by its masked display (rows may be tuples)."""
    def swap(name: str | tuple) -> str | tuple:
        if isinstance(name, (list, tuple)):
            return tuple(swap(inner) for inner in name)
        return MASKED_DISPLAY[name] if name in MASKED_DISPLAY and name in read_only else name

    return tuple(swap(name) for name in fields)
