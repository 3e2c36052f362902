"""Read-only admin of the job logs: sync runs, API calls and alerts sent."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy

from rakuten_link.models import AlertLog, ApiCall, SyncRun


class ReadOnlyAdmin(admin.ModelAdmin):
    """Logs are evidence: nobody edits them from the admin."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


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
