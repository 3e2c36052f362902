"""`rakuten_poll` queues due schedules each pass, so a minute job starts within about a second of its slot
(Django-Q2's own scheduler looks only every 30 s), and a slot is queued once however often it looks."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_q.models import OrmQ, Schedule

pytestmark = pytest.mark.usefixtures("keep_test_connection")

FETCH = "rakuten: fetch orders"


def queued_dispatches() -> list[tuple]:
    return [q.task["args"] for q in OrmQ.objects.all() if q.task.get("func") == "rakuten_link.tasks.dispatch"]


def make_only_the_fetch_due() -> Schedule:
    call_command("setup_schedules", verbosity=0)
    later = timezone.now() + timedelta(minutes=5)
    Schedule.objects.update(next_run=later)
    Schedule.objects.filter(name=FETCH).update(next_run=timezone.now() - timedelta(seconds=1))
    return Schedule.objects.get(name=FETCH)


def test_a_due_schedule_is_queued_by_the_next_pass_once(db):
    due = make_only_the_fetch_due()
    call_command("rakuten_poll", "--once")
    assert queued_dispatches() == [("orders",)]
    fetch = Schedule.objects.get(pk=due.pk)
    assert fetch.next_run > timezone.now()  # moved to its next slot in the same transaction
    call_command("rakuten_poll", "--once")
    assert queued_dispatches() == [("orders",)]  # the slot was queued once


def test_no_schedules_leaves_them_to_the_cluster(db):
    due = make_only_the_fetch_due()
    call_command("rakuten_poll", "--once", "--no-schedules")
    assert queued_dispatches() == []
    assert Schedule.objects.get(pk=due.pk).next_run < timezone.now()


def test_the_minute_jobs_are_spread_over_the_minute(db):
    call_command("setup_schedules", verbosity=0)
    runs = dict(Schedule.objects.values_list("name", "next_run"))
    spread = {"rakuten: push inventory": 15, "rakuten: refresh open orders": 20, "rakuten: report shipments": 30,
              "rakuten: order sweep": 30, "rakuten: send buyer messages": 45, "rakuten: verify mappings": 50,
              "rakuten: check licenseKey": 55}
    assert {name: (runs[name] - runs[FETCH]).total_seconds() for name in spread} == spread
