"""Read-only admin of the logs: sync runs, API calls, alerts sent, and the audit trail of staff actions.

Also the task results of Django-Q2 and the login attempts of django-axes, re-registered here because
their own admin actions declare no permission: anyone allowed to view the list could run them.
"""

from __future__ import annotations

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django_q.admin import FailAdmin, TaskAdmin, resubmit_task
from django_q.models import Failure, Success

from lib.adminviews import html_table
from lib.audit import record_action, record_actions
from rakuten_link.alerts.kinds import LICENSE_REMINDER_PREFIX, RESOLVED_SUFFIX, AlertKind, label_of
from rakuten_link.models import AlertLog, ApiCall, SyncRun


class ReadOnlyAdmin(admin.ModelAdmin):
    """Logs are evidence: nobody edits them from the admin."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


# The keys jobs put in SyncRun.counts, as staff read them; an unknown key is shown as it is.
COUNT_LABELS = {
    "considered": gettext_lazy("checked"), "changed": gettext_lazy("changed"), "pushed": gettext_lazy("pushed"),
    "rejected": gettext_lazy("rejected"), "calls": gettext_lazy("RMS calls"), "created": gettext_lazy("new"),
    "updated": gettext_lazy("updated"), "unchanged": gettext_lazy("unchanged"), "cancelled": gettext_lazy("cancelled"),
    "reported": gettext_lazy("reported"), "corrected": gettext_lazy("corrected"), "deleted": gettext_lazy("deleted"),
    "refused": gettext_lazy("refused"), "read_back": gettext_lazy("read back"), "adopted": gettext_lazy("adopted"),
    "open": gettext_lazy("open orders"), "asked": gettext_lazy("asked"), "days_left": gettext_lazy("days left"),
    "checked": gettext_lazy("checked"), "differing": gettext_lazy("differing"), "missing": gettext_lazy("missing"),
}


class RunActivityFilter(admin.SimpleListFilter):
    """By default the list hides skipped runs (a lease held elsewhere, a paused account): they did nothing."""

    title = gettext_lazy("runs shown")
    parameter_name = "runs"

    def lookups(self, request, model_admin):
        return [("all", gettext_lazy("all, skipped runs too"))]

    def choices(self, changelist):
        everything_but_skipped = changelist.get_query_string(remove=[self.parameter_name])
        yield {"selected": self.value() is None, "query_string": everything_but_skipped,
               "display": _("runs that did something")}
        yield from list(super().choices(changelist))[1:]

    def queryset(self, request, queryset):
        return queryset if self.value() == "all" else queryset.exclude(status="skipped")


@admin.register(SyncRun)
class SyncRunAdmin(ReadOnlyAdmin):
    list_display = ("started_at", "account", "kind", "status", "summary", "duration")
    list_filter = (RunActivityFilter, "kind", "status", "account")
    list_select_related = ("account",)
    search_fields = ("summary", "error")
    date_hierarchy = "started_at"
    fields = ("account", "kind", "status", "started", "finished", "duration", "summary", "counts_table",
              "api_calls", "error")
    readonly_fields = fields

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

    @admin.display(description=gettext_lazy("counts"))
    def counts_table(self, obj: SyncRun) -> str:
        if not obj.counts:
            return "—"
        rows = [(COUNT_LABELS.get(key, key), value) for key, value in obj.counts.items()]
        return html_table([_("what"), _("count")], rows)

    @admin.display(description=gettext_lazy("API calls"))
    def api_calls(self, obj: SyncRun) -> str:
        count = ApiCall.objects.filter(sync_run=obj).count()
        url = reverse("admin:rakuten_link_apicall_changelist") + f"?sync_run__id__exact={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, ngettext("%(n)d call", "%(n)d calls", count) % {"n": count})


@admin.register(ApiCall)
class ApiCallAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "account", "function", "http_status", "error_code", "attempt", "duration_ms")
    list_filter = ("function", "http_status", "account")
    list_select_related = ("account",)
    search_fields = ("function", "error_code")
    date_hierarchy = "created_at"

    def lookup_allowed(self, lookup, value, request=None) -> bool:
        # A sync run's page links to its calls.
        return lookup == "sync_run__id__exact" or super().lookup_allowed(lookup, value, request)


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
    list_filter = (AlertKindFilter, "account")
    list_select_related = ("account",)
    search_fields = ("subject",)
    date_hierarchy = "sent_at"

    @admin.display(description=gettext_lazy("kind"), ordering="kind")
    def kind_label(self, alert: AlertLog) -> str:
        return label_of(alert.kind)


@admin.register(LogEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """The audit trail of staff actions (lib/audit.py), filterable by person, kind of object and action."""

    list_display = ("action_time", "user", "content_type", "object_link", "action_flag", "detail")
    list_filter = ("user", "content_type", "action_flag", "action_time")
    list_select_related = ("user", "content_type")
    search_fields = ("object_repr", "change_message")
    date_hierarchy = "action_time"

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


@admin.action(description=gettext_lazy("Resubmit selected tasks to queue"), permissions=["change"])
def resubmit_tasks(model_admin, request, queryset):
    """Django-Q2's resubmit (it runs the job again; a failed task's row is then deleted), behind "change"."""
    record_actions(request.user, queryset, _("Resubmitted the task to the queue."))
    resubmit_task(model_admin, request, queryset)


admin.site.unregister(Success)
admin.site.unregister(Failure)
admin.site.unregister(AccessAttempt)


@admin.register(Success)
class SuccessfulTaskAdmin(TaskAdmin):
    actions = [resubmit_tasks]


@admin.register(Failure)
class FailedTaskAdmin(FailAdmin):
    actions = [resubmit_tasks]


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
