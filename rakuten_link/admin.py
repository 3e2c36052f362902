"""Admin for the Rakuten side: account checks on save, job history and API calls (read-only)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.admin import EcAccountAdmin
from accounts.models import AccountStatus, EcAccount
from orders.models import MailTemplate

from .models import AlertLog, ApiCall, SyncRun
from .sync.account_check import check_account


class ReadOnlyAdmin(admin.ModelAdmin):
    """Logs are evidence: nobody edits them from the admin."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class MailTemplateInline(admin.StackedInline):
    model = MailTemplate
    extra = 0
    fields = ("event", "subject", "body", "active")


admin.site.unregister(EcAccount)


@admin.register(EcAccount)
class RakutenEcAccountAdmin(EcAccountAdmin):
    """The account page, plus the RMS check when credentials change and a re-check action."""

    actions = ["recheck_accounts"]
    inlines = [MailTemplateInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if getattr(form, "changed_credentials", False):
            self._report_check(request, obj)

    @admin.action(description=gettext_lazy("Check selected accounts against RMS"))
    def recheck_accounts(self, request, queryset):
        for account in queryset:
            self._report_check(request, account)

    def _report_check(self, request, account: EcAccount) -> None:
        outcome = check_account(account)
        if not outcome.reachable:
            self.message_user(request, f"{account.name}: {outcome.reason}", messages.WARNING)
        elif outcome.status == AccountStatus.VALID:
            text = _("%(name)s: RMS accepted the credentials (valid).") % {"name": account.name}
            self.message_user(request, f"{text} {outcome.reason}".strip(), messages.SUCCESS)
        else:
            self.message_user(
                request, _("%(name)s: invalid — %(reason)s") % {"name": account.name, "reason": outcome.reason},
                messages.ERROR,
            )


@admin.register(SyncRun)
class SyncRunAdmin(ReadOnlyAdmin):
    list_display = ("started_at", "account", "kind", "status", "summary", "duration")
    list_filter = ("kind", "status", "account")
    list_select_related = ("account",)
    search_fields = ("summary", "error")
    date_hierarchy = "started_at"

    @admin.display(description=gettext_lazy("duration (s)"))
    def duration(self, obj: SyncRun):
        seconds = obj.duration_seconds
        return "—" if seconds is None else f"{seconds:.1f}"


@admin.register(ApiCall)
class ApiCallAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "account", "function", "http_status", "error_code", "attempt", "duration_ms")
    list_filter = ("function", "http_status", "account")
    list_select_related = ("account",)
    search_fields = ("function", "error_code")
    date_hierarchy = "created_at"


@admin.register(AlertLog)
class AlertLogAdmin(ReadOnlyAdmin):
    list_display = ("sent_at", "account", "kind", "subject")
    list_filter = ("kind", "account")


# Each capability keeps its admin in its own module.
from . import admin_mappings, admin_orders  # noqa: E402,F401
