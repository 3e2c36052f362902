"""Django-Q2's admin (background tasks and schedules) as our staff see it: in Japanese, and guarded.

Django-Q2 wraps its field and model names in gettext, and config/third_party_strings.py lists them so that
our own catalogue translates them. What it does not translate is re-done here: the group name
(``Q_CLUSTER["label"]``, plain text), and the schedule names: they are install keys ("rakuten: fetch
orders", rakuten_link/schedules.py) and stay English, so the lists show their labels instead (a scheduled
task's group is its schedule's name). Its resubmit action declares no permission (anyone allowed to view a
list could run jobs again): ours requires "change" and writes an audit entry.

Nothing here may name code. A schedule's function, hook and arguments are dotted paths and values that a
worker imports and calls, so whoever may write one may run anything importable: schedules are declared in
code (rakuten_link/schedules.py, installed by ``manage.py setup_schedules``) and only shown here, to
superusers too. Tasks and queued tasks are read-only, and a task is re-queued only when it names one of our
job functions (``JOB_FUNCTIONS``) and no hook.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_q.admin import FailAdmin, QueueAdmin, ScheduleAdmin, TaskAdmin, resubmit_task
from django_q.models import Failure, OrmQ, Schedule, Success

from lib.audit import record_actions
from rakuten_link.schedules import label_of
from rakuten_link.tasks import JOB_FUNCTIONS

# The admin index and breadcrumbs read the app config's verbose_name, which Django-Q2 sets to its untranslated
# LABEL setting ("Django Q"); a lazy string is translated in the language of each request.
apps.get_app_config("django_q").verbose_name = gettext_lazy("Background tasks")


@admin.action(description=gettext_lazy("Resubmit selected tasks to queue"), permissions=["change"])
def resubmit_tasks(model_admin, request, queryset):
    """Django-Q2's resubmit (it runs the job again; a failed task's row is then deleted), behind "change".

    Only for our own job functions: a task row naming another function (or a hook) is left as it is.
    """
    tasks = list(queryset)
    accepted = [task for task in tasks if task.func in JOB_FUNCTIONS and not task.hook]
    if accepted:
        record_actions(request.user, accepted, _("Resubmitted the task to the queue."))
        resubmit_task(model_admin, request, accepted)
    refused = sorted({task.func for task in tasks if task not in accepted})
    if refused:
        model_admin.message_user(request, _("Not resubmitted: %(functions)s is not a job of Rakuten Link.")
                                 % {"functions": ", ".join(refused)}, messages.ERROR)


# The mixins' super() is the ModelAdmin they are mixed into; the type checker is told so.
if TYPE_CHECKING:
    _AdminBase = admin.ModelAdmin[Any]
else:
    _AdminBase = object


class ReadOnlyTaskMixin(_AdminBase):
    """A task's page only shows it; the list's resubmit action (which asks for "change") stays."""

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)


class GroupFilter(admin.SimpleListFilter):
    """Django-Q2's group filter, with each group (a schedule's name) shown by the schedule's label."""

    title = gettext_lazy("Group")
    parameter_name = "group"

    def lookups(self, request, model_admin):
        groups = model_admin.get_queryset(request).exclude(group=None).values_list("group", flat=True)
        return [(group, label_of(group)) for group in sorted(set(groups))]

    def queryset(self, request, queryset):
        return queryset.filter(group=self.value()) if self.value() else queryset


class ScheduleLabelMixin(_AdminBase):
    """The task's group (a schedule's name for a scheduled task) shown by the schedule's translated label."""

    list_filter = (GroupFilter, "cluster")

    def get_fields(self, request, obj=None):
        return [("group_label" if name == "group" else name) for name in super().get_fields(request, obj)]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "group_label"]

    @admin.display(description=gettext_lazy("Group"), ordering="group")
    def group_label(self, task) -> str:
        return label_of(task.group) or "—"


def _with_labels(columns: tuple[str, ...], replace: dict[str, str]) -> tuple[str, ...]:
    return tuple(replace.get(column, column) for column in columns)


# Django-Q2 registers its queue (OrmQ) only with the ORM broker: ours then takes its place, and only then.
QUEUE_SHOWN = admin.site.is_registered(OrmQ)
for _model in (Success, Failure, Schedule, OrmQ):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


@admin.register(Success)
class SuccessfulTaskAdmin(ReadOnlyTaskMixin, ScheduleLabelMixin, TaskAdmin):
    list_display = _with_labels(TaskAdmin.list_display, {"group": "group_label"})
    actions = [resubmit_tasks]


@admin.register(Failure)
class FailedTaskAdmin(ReadOnlyTaskMixin, ScheduleLabelMixin, FailAdmin):
    list_display = _with_labels(FailAdmin.list_display, {"group": "group_label"})
    actions = [resubmit_tasks]


@admin.register(Schedule)
class LabelledScheduleAdmin(ScheduleAdmin):
    """Schedules listed by their translated labels, read-only: they are declared in code (see above)."""

    list_display = _with_labels(ScheduleAdmin.list_display, {"name": "label"})
    list_display_links = ("id", "label")

    @admin.display(description=gettext_lazy("Name"), ordering="name")
    def label(self, schedule: Schedule) -> str:
        return label_of(schedule.name) or "—"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class QueuedTaskAdmin(QueueAdmin):
    """The ORM broker's queue, read-only (a queued task may still be deleted), with translated labels."""

    def has_change_permission(self, request, obj=None):
        return False


if QUEUE_SHOWN:
    admin.site.register(OrmQ, QueuedTaskAdmin)
