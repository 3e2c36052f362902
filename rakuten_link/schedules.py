"""Every periodic job, declared in code; `manage.py setup_schedules` installs them idempotently."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone
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


SCHEDULES = (
    ScheduleSpec("rakuten: fetch orders", "rakuten_link.tasks.dispatch", "'orders'", minutes=1, kind="orders"),
    ScheduleSpec("rakuten: order sweep", "rakuten_link.tasks.dispatch", "'orders'", minutes=60, kind="orders",
                 kwargs="sweep=True", offset=("rakuten: fetch orders", 30)),
    ScheduleSpec("rakuten: refresh open orders", "rakuten_link.tasks.dispatch", "'open-orders'", minutes=10,
                 kind="open-orders"),
    ScheduleSpec("rakuten: push inventory", "rakuten_link.tasks.dispatch", "'inventory'", minutes=1, kind="inventory"),
    ScheduleSpec("rakuten: report shipments", "rakuten_link.tasks.dispatch", "'shipments'", minutes=1,
                 kind="shipments"),
    ScheduleSpec("rakuten: verify mappings", "rakuten_link.tasks.dispatch", "'mappings'", minutes=5, kind="mappings"),
    ScheduleSpec("rakuten: check licenseKey", "rakuten_link.tasks.dispatch", "'license'", kind="license"),
    ScheduleSpec("rakuten: prune logs", "rakuten_link.tasks.prune_logs", ""),
    ScheduleSpec("rakuten: check for silence", "rakuten_link.tasks.check_for_silence", "", minutes=1),
)


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


def _first_run(spec: ScheduleSpec) -> datetime:
    """Now, or the offset from the anchor schedule's next run (which keeps its phase from then on)."""
    now = timezone.now()
    if spec.offset is None:
        return now
    anchor_name, seconds = spec.offset
    anchor = Schedule.objects.filter(name=anchor_name).values_list("next_run", flat=True).first()
    return (anchor or now) + timedelta(seconds=seconds)
