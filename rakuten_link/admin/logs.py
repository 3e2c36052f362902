"""Read-only admin of the logs: sync runs, API calls, alerts sent, and the audit trail of staff actions.

Also the login attempts of django-axes, re-registered here because its own admin action declares no
permission: anyone allowed to view the list could run it (Django-Q2's lists: rakuten_link/admin/tasks.py).
"""

from __future__ import annotations

from datetime import timedelta

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from lib.adminpaging import BigListMixin
from lib.adminviews import html_table
from lib.audit import record_action
from rakuten_link.admin.run_display import count_rows
from rakuten_link.alerts.kinds import LICENSE_REMINDER_PREFIX, RESOLVED_SUFFIX, AlertKind, label_of
from rakuten_link.models import AlertLog, ApiCall, RunStatus, SyncRun
from rakuten_link.wording import as_html, as_plain, function_label


class ReadOnlyAdmin(BigListMixin, admin.ModelAdmin):
    """Logs are evidence: nobody edits them from the admin. They grow by the minute: counts stop at a cap and
    dates are filtered by links (index ranges), not by a date hierarchy that reads every row for its years."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class RunActivityFilter(admin.SimpleListFilter):
    """By default the list hides the runs that did nothing: skipped ones (a lease held elsewhere, a paused
    account) and successful ones whose counts are all 0 (the every-minute jobs write one per minute).

    A count is "not 0" when the counts' JSON text holds a value starting with 1–9 or a minus sign.
    """

    title = gettext_lazy("runs shown")
    parameter_name = "runs"

    def lookups(self, request, model_admin):
        return [("all", gettext_lazy("all, idle and skipped runs too"))]

    def choices(self, changelist):
        everything_but_skipped = changelist.get_query_string(remove=[self.parameter_name])
        yield {"selected": self.value() is None, "query_string": everything_but_skipped,
               "display": _("runs that did something")}
        yield from list(super().choices(changelist))[1:]

    def queryset(self, request, queryset):
        if self.value() == "all":
            return queryset
        idle = Q(status=RunStatus.SKIPPED) | (Q(status=RunStatus.SUCCESS) & ~Q(counts_text__regex=r":\s*-?[1-9]"))
        return queryset.annotate(counts_text=Cast("counts", TextField())).exclude(idle)


@admin.register(SyncRun)
class SyncRunAdmin(ReadOnlyAdmin):
    list_display = ("started_at", "account", "kind", "status", "summary_shown", "duration")
    list_filter = (RunActivityFilter, ("started_at", admin.DateFieldListFilter), "kind", "status", "account")
    list_count_cap = 2_000  # the default filter tests each run's counts as text: count fewer of them
    list_select_related = ("account",)
    search_fields = ("summary", "error")
    fields = ("account", "kind", "status", "started", "finished", "duration", "summary_shown", "counts_table",
              "api_calls", "error_shown")
    readonly_fields = fields

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # The page's subtitle is the model's str(), which formats started_at in UTC: show local time there too.
        if obj is not None:
            context["subtitle"] = f"{obj.account} {obj.get_kind_display()} {_local(obj.started_at)}"
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    @admin.display(description=gettext_lazy("duration (s)"))
    def duration(self, obj: SyncRun):
        seconds = obj.duration_seconds
        return "—" if seconds is None else f"{seconds:.1f}"

    @admin.display(description=gettext_lazy("started at"))
    def started(self, obj: SyncRun) -> str:
        return _local(obj.started_at)

    @admin.display(description=gettext_lazy("finished at"))
    def finished(self, obj: SyncRun) -> str:
        return _local(obj.finished_at)

    @admin.display(description=gettext_lazy("summary"), ordering="summary")
    def summary_shown(self, obj: SyncRun) -> str:
        return as_plain(obj.summary)

    @admin.display(description=gettext_lazy("error"))
    def error_shown(self, obj: SyncRun) -> str:
        return as_html(obj.error) or "—"

    @admin.display(description=gettext_lazy("counts"))
    def counts_table(self, obj: SyncRun) -> str:
        rows = count_rows(obj.counts)
        return html_table([_("what"), _("count")], rows) if rows else "—"

    @admin.display(description=gettext_lazy("API calls"))
    def api_calls(self, obj: SyncRun) -> str:
        count = ApiCall.objects.filter(sync_run=obj).count()
        url = reverse("admin:rakuten_link_apicall_changelist") + f"?sync_run__id__exact={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, ngettext("%(n)d call", "%(n)d calls", count) % {"n": count})


RECENT_CALLS = timedelta(days=7)


def recent_values(field: str, chosen: object) -> list:
    """The values of ``field`` among the last 7 days' calls (an index range, not a read of every call kept)."""
    since = timezone.now() - RECENT_CALLS
    values = set(ApiCall.objects.filter(created_at__gte=since).order_by().values_list(field, flat=True).distinct())
    return sorted({*values, *([chosen] if chosen else [])}, key=lambda value: (value is None, str(value)))


class FunctionFilter(admin.SimpleListFilter):
    """The functions called in the last 7 days (and the one chosen), by their Japanese names."""

    title = gettext_lazy("function")
    parameter_name = "function"

    def lookups(self, request, model_admin):
        return [(function, function_label(function)) for function in recent_values("function", self.value())]

    def queryset(self, request, queryset):
        return queryset.filter(function=self.value()) if self.value() else queryset


class HttpStatusFilter(admin.SimpleListFilter):
    """The HTTP statuses of the last 7 days' calls (and the one chosen); "none" when no answer came."""

    title = gettext_lazy("HTTP status")
    parameter_name = "http_status"

    def lookups(self, request, model_admin):
        value = self.value() or ""
        chosen = int(value) if value.isdigit() else None
        return [(str(code), str(code)) if code is not None else ("none", _("none"))
                for code in recent_values("http_status", chosen)]

    def queryset(self, request, queryset):
        value = self.value() or ""
        if value == "none":
            return queryset.filter(http_status__isnull=True)
        return queryset.filter(http_status=int(value)) if value.isdigit() else queryset


@admin.register(ApiCall)
class ApiCallAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "account", "function_shown", "http_status", "error_code", "attempt", "duration_ms")
    list_filter = (FunctionFilter, ("created_at", admin.DateFieldListFilter), HttpStatusFilter, "account")
    fields = ("created_at", "account", "sync_run", "function_shown", "method", "path", "http_status", "error_code",
              "error_class", "attempt", "duration_ms")
    readonly_fields = fields
    list_select_related = ("account",)
    search_fields = ("function", "error_code")

    def lookup_allowed(self, lookup, value, request=None) -> bool:
        # A sync run's page links to its calls.
        return lookup == "sync_run__id__exact" or super().lookup_allowed(lookup, value, request)

    @admin.display(description=gettext_lazy("function"), ordering="function")
    def function_shown(self, call: ApiCall) -> str:
        return function_label(call.function)


def _local(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S") if value else "—"


class AlertKindFilter(admin.SimpleListFilter):
    """The kinds by their labels; a licence reminder is stored per threshold, a recovery as kind + _resolved."""

    title = gettext_lazy("kind")
    parameter_name = "kind"
    RESOLVED = "resolved"  # the value that selects the "resolved" mails

    def lookups(self, request, model_admin):
        return [*AlertKind.choices, (self.RESOLVED, _("Resolved"))]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        if value == self.RESOLVED:
            return queryset.filter(kind__endswith=RESOLVED_SUFFIX)
        if value == AlertKind.LICENSE_REMINDER:
            return queryset.filter(kind__startswith=LICENSE_REMINDER_PREFIX).exclude(kind__endswith=RESOLVED_SUFFIX)
        return queryset.filter(kind=value)


@admin.register(AlertLog)
class AlertLogAdmin(ReadOnlyAdmin):
    list_display = ("sent_at", "account", "kind_label", "subject")
    fields = readonly_fields = list_display
    list_filter = (AlertKindFilter, ("sent_at", admin.DateFieldListFilter), "account")
    list_select_related = ("account",)
    search_fields = ("subject",)

    @admin.display(description=gettext_lazy("kind"), ordering="kind")
    def kind_label(self, alert: AlertLog) -> str:
        return label_of(alert.kind)


@admin.register(LogEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """The audit trail of staff actions (lib/audit.py), filterable by person, kind of object and action."""

    list_display = ("action_time", "user", "content_type", "object_link", "action_flag", "detail")
    list_filter = ("user", ("content_type", admin.RelatedOnlyFieldListFilter), "action_flag", "action_time")
    list_select_related = ("user", "content_type")
    search_fields = ("object_repr", "change_message")

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def lookup_allowed(self, lookup, value, request=None) -> bool:
        # The object page's "all entries" link filters by object id, which is not a list filter.
        return lookup == "object_id" or super().lookup_allowed(lookup, value, request)

    @admin.display(description=gettext_lazy("object"), ordering="object_repr")
    def object_link(self, entry: LogEntry) -> str:
        url = entry.get_admin_url() if entry.object_id else ""
        return format_html('<a href="{}">{}</a>', url, entry.object_repr) if url else entry.object_repr

    @admin.display(description=gettext_lazy("detail"))
    def detail(self, entry: LogEntry) -> str:
        return entry.get_change_message()


admin.site.unregister(AccessAttempt)


@admin.register(AccessAttempt)
class LoginAttemptAdmin(AccessAttemptAdmin):
    """Failed logins counted per username and address; deleting a row lifts that lockout at once."""

    actions = ["cleanup_expired_attempts"]

    @admin.action(description=gettext_lazy("Clean up expired attempts"), permissions=["delete"])
    def cleanup_expired_attempts(self, request, queryset):
        count = self.handler.clean_expired_user_attempts(request=request)
        message = ngettext("Cleaned up %(n)d expired login attempt.", "Cleaned up %(n)d expired login attempts.",
                           count) % {"n": count}
        record_action(request.user, None, message, model=AccessAttempt)
        self.message_user(request, message)
