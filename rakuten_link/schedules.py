"""Every periodic job, declared in code; `manage.py setup_schedules` installs them idempotently."""

from __future__ import annotations

from dataclasses import dataclass

from django_q.models import Schedule


@dataclass(frozen=True)
class ScheduleSpec:
    name: str
    func: str
    args: str
    minutes: int | None = None  # None = daily
    kind: str | None = None  # the job it dispatches; installed only once that job exists


SCHEDULES = (
    ScheduleSpec("rakuten: fetch orders", "rakuten_link.tasks.dispatch", "'orders'", minutes=1, kind="orders"),
    ScheduleSpec("rakuten: refresh open orders", "rakuten_link.tasks.dispatch", "'open-orders'", minutes=10,
                 kind="open-orders"),
    ScheduleSpec("rakuten: push inventory", "rakuten_link.tasks.dispatch", "'inventory'", minutes=1, kind="inventory"),
    ScheduleSpec("rakuten: report shipments", "rakuten_link.tasks.dispatch", "'shipments'", minutes=1,
                 kind="shipments"),
    ScheduleSpec("rakuten: verify mappings", "rakuten_link.tasks.dispatch", "'mappings'", minutes=5, kind="mappings"),
    ScheduleSpec("rakuten: check licenseKey", "rakuten_link.tasks.dispatch", "'license'", kind="license"),
    ScheduleSpec("rakuten: prune logs", "rakuten_link.tasks.prune_logs", ""),
)


def install_schedules(available_jobs) -> list[tuple[str, bool]]:
    """update_or_create by name: running it twice changes nothing (django-q2 refuses duplicate names)."""
    installed = []
    for spec in SCHEDULES:
        if spec.kind is not None and spec.kind not in available_jobs:
            continue
        defaults = {"func": spec.func, "args": spec.args or None, "repeats": -1}
        if spec.minutes:
            defaults.update(schedule_type=Schedule.MINUTES, minutes=spec.minutes)
        else:
            defaults.update(schedule_type=Schedule.DAILY, minutes=None)
        _schedule, created = Schedule.objects.update_or_create(name=spec.name, defaults=defaults)
        installed.append((spec.name, created))
    return installed
