"""Nothing in the admin can make a worker run a function it names: schedules and tasks are read-only there.

A schedule's ``func`` (and ``hook``, ``args``…) is a dotted path that Django-Q2 imports and calls, so whoever
may write one may run any importable code on the workers. Our schedules are declared in code and installed by
``manage.py setup_schedules``; the admin only shows them. The user below holds every django_q permission and
still cannot add, change or delete a schedule, change a task or a queued task, or re-queue a task whose
function is not one of our registered jobs.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.utils import timezone
from django_q.models import Failure, OrmQ, Schedule, Success, Task
from django_q.tasks import async_task

from rakuten_link.schedules import SCHEDULES

ADMIN = "/admin/django_q"
FOREIGN = "os.getcwd"
REGISTERED = "rakuten_link.tasks.prune_logs"


@pytest.fixture
def operator(client, django_user_model):
    """A staff user (not a superuser) with every permission of the django_q app."""
    user = django_user_model.objects.create_user("operator", "op@example.com", "pw", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="django_q"))
    assert user.user_permissions.count() >= 16  # add/change/delete/view of schedule, task, success, failure, ormq
    client.force_login(user)
    return client


@pytest.fixture
def schedule(db):
    call_command("setup_schedules", verbosity=0)
    return Schedule.objects.get(name="rakuten: prune logs")


def _schedule_post(**changes) -> dict:
    data = {"name": "evil", "func": FOREIGN, "hook": "", "args": "", "kwargs": "", "schedule_type": "I",
            "minutes": "1", "repeats": "-1", "next_run_0": "2030-01-01", "next_run_1": "00:00:00",
            "cron": "", "cluster": "", "intended_date_kwarg": ""}
    return {**data, **changes}


def _task(func: str, *, success: bool, index: int = 0) -> Task:
    now = timezone.now()
    return Task.objects.create(id=f"{index:032x}", name=f"task-{index}", func=func, args=(), kwargs={},
                               hook=None, started=now - timedelta(seconds=1), stopped=now, success=success)


def _functions() -> set[str]:
    named = set(Schedule.objects.values_list("func", flat=True)) | set(Task.objects.values_list("func", flat=True))
    named |= {task.func() for task in OrmQ.objects.all()}
    named |= set(Schedule.objects.exclude(hook=None).values_list("hook", flat=True))
    return named


@pytest.mark.parametrize("who", ["operator", "admin_client"])
def test_no_schedule_can_be_added_in_the_admin(request, schedule, who):
    client = request.getfixturevalue(who)
    assert client.get(f"{ADMIN}/schedule/add/").status_code == 403
    assert client.post(f"{ADMIN}/schedule/add/", _schedule_post()).status_code == 403
    assert not Schedule.objects.filter(func=FOREIGN).exists()
    assert 'href="/admin/django_q/schedule/add/"' not in client.get(f"{ADMIN}/schedule/").content.decode()


@pytest.mark.parametrize("who", ["operator", "admin_client"])
def test_a_schedule_is_shown_read_only_and_its_function_cannot_be_changed(request, schedule, who):
    client = request.getfixturevalue(who)
    page = client.get(f"{ADMIN}/schedule/{schedule.pk}/change/")
    assert page.status_code == 200
    assert REGISTERED in page.content.decode() and 'name="func"' not in page.content.decode()
    for changes in ({"func": FOREIGN}, {"func": REGISTERED, "hook": FOREIGN}, {"args": "'/'"}):
        response = client.post(f"{ADMIN}/schedule/{schedule.pk}/change/", _schedule_post(**changes))
        assert response.status_code == 403
    schedule.refresh_from_db()
    assert (schedule.func, schedule.hook, schedule.args) == (REGISTERED, None, None)


@pytest.mark.parametrize("who", ["operator", "admin_client"])
def test_no_schedule_can_be_deleted_in_the_admin(request, schedule, who):
    client = request.getfixturevalue(who)
    count = Schedule.objects.count()
    assert client.post(f"{ADMIN}/schedule/{schedule.pk}/delete/", {"post": "yes"}).status_code == 403
    client.post(f"{ADMIN}/schedule/", {"action": "delete_selected", "_selected_action": [schedule.pk],
                                       "post": "yes"})
    assert Schedule.objects.count() == count


def test_setup_schedules_removes_a_schedule_not_declared_in_code(schedule):
    """A schedule slipped in by other means (a shell, an older version) runs at most until the next deploy."""
    Schedule.objects.create(name="evil", func=FOREIGN, schedule_type=Schedule.MINUTES, minutes=1)
    call_command("setup_schedules", verbosity=0)
    assert not Schedule.objects.filter(func=FOREIGN).exists()
    assert Schedule.objects.filter(name="rakuten: prune logs").exists()
    assert Schedule.objects.count() == len(SCHEDULES)


@pytest.mark.parametrize(("model", "success"), [("failure", False), ("success", True)])
def test_a_task_cannot_be_changed_to_name_another_function(operator, db, model, success):
    task = _task(REGISTERED, success=success)
    assert operator.get(f"{ADMIN}/{model}/{task.pk}/change/").status_code == 200
    response = operator.post(f"{ADMIN}/{model}/{task.pk}/change/",
                             {"func": FOREIGN, "hook": FOREIGN, "name": "x", "group": "x"})
    assert response.status_code == 403
    task.refresh_from_db()
    assert (task.func, task.hook) == (REGISTERED, None)
    assert operator.get(f"{ADMIN}/{model}/add/").status_code == 403
    assert operator.post(f"{ADMIN}/{model}/add/", {"func": FOREIGN, "name": "x"}).status_code == 403
    assert FOREIGN not in _functions()


@pytest.mark.parametrize(("model", "success"), [("failure", False), ("success", True)])
def test_resubmit_requeues_only_our_registered_job_functions(operator, db, model, success):
    ours, foreign = _task(REGISTERED, success=success, index=1), _task(FOREIGN, success=success, index=2)
    response = operator.post(f"{ADMIN}/{model}/", {"action": "resubmit_tasks", "index": "0",
                                                   "_selected_action": [ours.pk, foreign.pk]})
    assert response.status_code == 302
    assert [task.func() for task in OrmQ.objects.all()] == [REGISTERED]
    assert Task.objects.filter(func=FOREIGN).exists()  # the refused failure stays for staff to look at
    messages = " ".join(str(m) for m in operator.get(f"{ADMIN}/{model}/").context["messages"])
    assert FOREIGN in messages


def test_resubmit_does_not_pass_on_a_hook(operator, db):
    task = _task(REGISTERED, success=False)
    Task.objects.filter(pk=task.pk).update(hook=FOREIGN)
    operator.post(f"{ADMIN}/failure/", {"action": "resubmit_tasks", "index": "0", "_selected_action": [task.pk]})
    assert not OrmQ.objects.exists() and Failure.objects.filter(pk=task.pk).exists()


def test_a_queued_task_cannot_be_added_or_changed(operator, db):
    async_task(REGISTERED, task_name="queued")
    queued = OrmQ.objects.get()
    assert operator.get(f"{ADMIN}/ormq/add/").status_code == 403
    assert operator.get(f"{ADMIN}/ormq/{queued.pk}/change/").status_code == 200
    response = operator.post(f"{ADMIN}/ormq/{queued.pk}/change/",
                             {"key": "other", "lock_0": "", "lock_1": "", "func": FOREIGN})
    assert response.status_code == 403
    queued.refresh_from_db()
    assert queued.func() == REGISTERED and queued.key != "other"


def test_the_lists_still_show_to_the_operator(operator, schedule):
    _task(REGISTERED, success=True)
    for model in ("schedule", "success", "failure", "ormq"):
        assert operator.get(f"{ADMIN}/{model}/").status_code == 200
    assert Success.objects.count() == 1
