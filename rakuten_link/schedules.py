"""Every periodic job, declared in code; `manage.py setup_schedules` installs them idempotently."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django_q.models import Schedule


@dataclass(frozen=True)
class ScheduleSpec:
    name: str
    func: str
    args: str
    minutes: int | None = None  # None = daily
    kind: str | None = None  # the job it dispatches; installed only once that job exists
    kwargs: str = ""  # Django-Q2's kwargs text, e.g. "sweep=True": passed to the task (dispatch → the job)
    # Installed with its first run ``offset[1]`` seconds after the next run of schedule ``offset[0]``.
    # Django-Q2 keeps a schedule's phase, so a job that shares a lease with an every-minute one (the sweep
    # and the fetch both hold "orders") is then never due in the same scheduler pass as it; otherwise one
    # of the two would be skipped as "already running" every time.
    offset: tuple[str, int] | None = None
    # ``name`` is the key install_schedules updates by (and Django-Q2 copies it into each task's group): it is
    # the same in every language. ``label`` is what the admin shows (the name when there is none).
    label: str | Promise = ""


DISPATCH = "rakuten_link.tasks.dispatch"
SCHEDULES = (
    ScheduleSpec("rakuten: fetch orders", DISPATCH, "'orders'", minutes=1, kind="orders",
                 label=_("Fetch orders")),
    ScheduleSpec("rakuten: order sweep", DISPATCH, "'orders'", minutes=60, kind="orders",
                 kwargs="sweep=True", offset=("rakuten: fetch orders", 30), label=_("Order sweep")),
    ScheduleSpec("rakuten: refresh open orders", DISPATCH, "'open-orders'", minutes=10, kind="open-orders",
                 offset=("rakuten: fetch orders", 20), label=_("Refresh open orders")),
    # The other jobs are spread over the minute (+15 … +55 s after the fetch): with many shops each slot
    # queues a task per account, and several small bursts wait less for the workers than one large one.
    ScheduleSpec("rakuten: push inventory", DISPATCH, "'inventory'", minutes=1, kind="inventory",
                 offset=("rakuten: fetch orders", 15), label=_("Push inventory to Rakuten")),
    # The minute push looks only at what changed since its last run (sync/inventory/changes.py); once an
    # hour it compares every mapping, as the safety net under that net.
    ScheduleSpec("rakuten: compare all inventory", DISPATCH, "'inventory'", minutes=60, kind="inventory",
                 kwargs="compare_all=True", offset=("rakuten: fetch orders", 40),
                 label=_("Push inventory: compare every mapping")),
    ScheduleSpec("rakuten: report shipments", DISPATCH, "'shipments'", minutes=1, kind="shipments",
                 offset=("rakuten: fetch orders", 30), label=_("Report shipments")),
    ScheduleSpec("rakuten: send buyer messages", DISPATCH, "'messages'", minutes=1, kind="messages",
                 offset=("rakuten: fetch orders", 45), label=_("Send buyer messages")),
    ScheduleSpec("rakuten: verify mappings", DISPATCH, "'mappings'", minutes=5, kind="mappings",
                 offset=("rakuten: fetch orders", 50), label=_("Verify product mappings")),
    ScheduleSpec("rakuten: check licenseKey", DISPATCH, "'license'", kind="license",
                 offset=("rakuten: fetch orders", 55), label=_("Check licenseKey expiry")),
    ScheduleSpec("rakuten: push prices", DISPATCH, "'prices'", minutes=1, kind="prices",
                 offset=("rakuten: fetch orders", 35), label=_("Push prices to Rakuten")),
    # Daily, like the licence check: what RMS changed in the catalogue (gone variants turn their mappings red).
    ScheduleSpec("rakuten: pull catalogue", DISPATCH, "'catalogue'", kind="catalogue",
                 offset=("rakuten: fetch orders", 40), label=_("Pull the Rakuten catalogue")),
    ScheduleSpec("rakuten: prune logs", "rakuten_link.tasks.prune_logs", "", label=_("Prune old logs")),
    # The clean-up lives in orders (orders/reports.py), which may not import rakuten_link: scheduled from here.
    ScheduleSpec("orders: delete expired files", "rakuten_link.tasks.delete_expired_files", "",
                 label=_("Delete expired slip and export files")),
    ScheduleSpec("rakuten: check for silence", "rakuten_link.tasks.check_for_silence", "", minutes=1,
                 label=_("Check for silence")),
    # The integration API (api/, above this app) retries its webhook outbox: named by its dotted path only.
    ScheduleSpec("api: deliver webhooks", "api.delivery.deliver_due", "", minutes=1, label=_("Deliver webhooks")),
)


LABELS = {spec.name: spec.label for spec in SCHEDULES}


def label_of(name: str | None) -> str:
    """The translated label of an installed schedule (or a task group named after it); others as stored."""
    if not name:
        return ""
    label = LABELS.get(name)
    return str(label) if label else name


def install_schedules(available_jobs) -> list[tuple[str, bool]]:
    """update_or_create by name: running it twice changes nothing (django-q2 refuses duplicate names)."""
    installed = []
    for spec in SCHEDULES:
        if spec.kind is not None and spec.kind not in available_jobs:
            continue
        defaults = {"func": spec.func, "args": spec.args or None, "kwargs": spec.kwargs or None, "repeats": -1}
        if spec.minutes:
            defaults.update(schedule_type=Schedule.MINUTES, minutes=spec.minutes)
        else:
            defaults.update(schedule_type=Schedule.DAILY, minutes=None)
        first_run = {"next_run": _first_run(spec)}
        _schedule, created = Schedule.objects.update_or_create(name=spec.name, defaults=defaults,
                                                               create_defaults={**defaults, **first_run})
        installed.append((spec.name, created))
    return installed


def remove_undeclared_schedules(installed: list[tuple[str, bool]]) -> list[str]:
    """Delete every schedule that ``install_schedules`` did not just install; returns their names.

    Schedules are declared here and nowhere else (the admin only shows them): a row added by other means (a
    shell, an older version's job) names a function nobody reviewed, so it runs at most until the next deploy.
    """
    extra = Schedule.objects.exclude(name__in=[name for name, _created in installed])
    names = sorted(str(name) for name in extra.values_list("name", flat=True))
    extra.delete()
    return names


def _first_run(spec: ScheduleSpec) -> datetime:
    """Now, or the offset from the anchor schedule's next run (which keeps its phase from then on)."""
    now = timezone.now()
    if spec.offset is None:
        return now
    anchor_name, seconds = spec.offset
    anchor = Schedule.objects.filter(name=anchor_name).values_list("next_run", flat=True).first()
    return (anchor or now) + timedelta(seconds=seconds)


def fire_due_schedules(broker=None) -> None:
    """Queue every schedule that is due now, as the cluster's own scheduler does only every 30 s.

    ``manage.py rakuten_poll`` calls this every second, so a minute job starts within about a second of its
    slot instead of up to 30 s after it. Safe beside the cluster's pass: Django-Q2 selects the due schedules
    FOR UPDATE and moves their next_run in the same transaction (IMMEDIATE transactions on SQLite), so each
    slot is queued once. Pass the poller's ``broker``: without one, Django-Q2 opens a new broker connection
    (with Redis, a new connection pool) on every call.
    """
    from django_q.scheduler import scheduler  # importing it sets Django up: not at module import time

    scheduler(broker=broker)
