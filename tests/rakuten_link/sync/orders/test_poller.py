"""The fast order fetch: the poller's decision with a fixed clock, `rakuten_poll --once` through Django-Q2,
one searchOrder per poll when nothing is new (against the sandbox), the setting's minimum, the process' stop."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_q.models import OrmQ

from accounts.forms import EcAccountForm
from orders.models import Order
from rakuten_link.models import ApiCall, JobLease, SyncRun
from rakuten_link.sync.orders.poller import OUTSTANDING_SECONDS, AccountState, OrderPoller, is_due
from rakuten_link.tasks import run_for_account

pytestmark = pytest.mark.usefixtures("keep_test_connection")

ROOT = Path(__file__).resolve().parents[4]
NOW = datetime(2025, 6, 1, 12, 0, 0, tzinfo=timezone.get_fixed_timezone(540))
POLL = 15
TASK = "rakuten_link.tasks.run_for_account"


def state(*, ago: float | None = 30, seen_ago: float | None = None, **changes) -> AccountState:
    values = {"account_id": 1, "fetch_on": True, "fast_on": True, "paused": False, "lease_live": False,
              "last_started": None if ago is None else NOW - timedelta(seconds=ago),
              "last_seen": None if seen_ago is None else NOW - timedelta(seconds=seen_ago)}
    return AccountState(**{**values, **changes})


def due(account_state: AccountState, queued_ago: float | None = None) -> bool:
    queued_at = None if queued_ago is None else NOW - timedelta(seconds=queued_ago)
    return is_due(account_state, now=NOW, poll_seconds=POLL, queued_at=queued_at)


# --- the decision, with a fixed clock ----------------------------------------------------------------


def test_due_once_the_poll_period_has_passed_since_the_last_run_started():
    assert due(state(ago=15)) and due(state(ago=300)) and due(state(ago=None))
    assert not due(state(ago=14.9)) and not due(state(ago=0))


def test_never_due_while_the_orders_lease_is_live():
    assert not due(state(ago=300, lease_live=True))


def test_never_due_when_paused_or_either_switch_is_off():
    assert not due(state(paused=True))
    assert not due(state(fast_on=False))
    assert not due(state(fetch_on=False))


def test_a_task_queued_and_not_started_is_not_queued_again():
    assert not due(state(ago=60), queued_ago=20)  # queued 20 s ago, last run 60 s ago: still waiting
    assert not due(state(ago=600), queued_ago=OUTSTANDING_SECONDS - 1)
    assert due(state(ago=600), queued_ago=OUTSTANDING_SECONDS)  # that long unstarted: taken as lost
    # Started after it was queued (a skipped run counts as taken): due again one period after the start.
    assert due(state(ago=15), queued_ago=16) and not due(state(ago=10), queued_ago=16)
    assert due(state(ago=60, seen_ago=5), queued_ago=16)  # skipped 5 s ago (taken), searched 60 s ago
    assert not due(state(ago=60, seen_ago=20), queued_ago=16)  # the skipped run was before the enqueue


# --- the poller over the database (fake enqueue, fixed clock) -----------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = timezone.now()

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def orders_run(account, at: datetime, status: str = "success") -> SyncRun:
    run = SyncRun.objects.create(account=account, kind="orders", status=status)
    SyncRun.objects.filter(pk=run.pk).update(started_at=at)
    return run


@pytest.fixture
def poller():
    clock, queued = Clock(), []
    instance = OrderPoller(poll_seconds=POLL, enqueue=queued.append, clock=clock)
    instance.queued_ids, instance.fake_clock = queued, clock
    return instance


def test_only_fast_unpaused_accounts_with_orders_on_are_polled(poller, make_account):
    fast = make_account(job_fast_orders=True)
    make_account()  # the every-minute fetch only
    make_account(job_fast_orders=True, job_fetch_orders=False)
    make_account(job_fast_orders=True, jobs_paused=True)
    assert poller.tick() == [fast.pk] and poller.queued_ids == [fast.pk]


def test_one_task_per_period_and_none_while_queued_or_running(poller, make_account):
    account = make_account(job_fast_orders=True)
    clock = poller.fake_clock
    assert poller.tick() == [account.pk]
    clock.advance(40)
    assert poller.tick() == []  # still queued: no second task
    orders_run(account, clock.now)  # a worker took it
    JobLease.objects.create(account=account, kind="orders", holder="x", expires_at=clock.now + timedelta(seconds=30))
    clock.advance(POLL)
    assert poller.tick() == []  # the run is still going
    JobLease.objects.all().delete()
    assert poller.tick() == [account.pk]
    assert poller.queued_ids == [account.pk, account.pk]


def test_the_every_minute_run_counts_as_a_poll_and_a_skipped_one_does_not(poller, make_account):
    account = make_account(job_fast_orders=True)
    clock = poller.fake_clock
    orders_run(account, clock.now - timedelta(seconds=5))
    assert poller.tick() == []
    orders_run(account, clock.now, status="skipped")
    clock.advance(POLL - 5)
    assert poller.tick() == [account.pk]


# --- the command through Django-Q2, and a fetch against the sandbox --------------------------------


def queued_tasks() -> list[dict]:
    return [q.task for q in OrmQ.objects.all() if q.task.get("func") == TASK]


def run_queued() -> list[str]:
    """What a worker would do with each queued fetch; the queue is emptied."""
    results = [run_for_account(*task["args"], **task["kwargs"]) for task in queued_tasks()]
    OrmQ.objects.all().delete()
    return results


def test_once_queues_the_ordinary_fetch_task_on_the_broker(make_account, settings):
    settings.RAKUTEN_ORDER_POLL_SECONDS = POLL
    account = make_account(job_fast_orders=True)
    make_account()
    call_command("rakuten_poll", "--once")
    task, = queued_tasks()
    assert task["args"] == (account.pk, "orders") and task["kwargs"] == {}
    assert task["name"] == f"orders-fast-{account.pk}" and task["save"] is False
    orders_run(account, timezone.now())
    call_command("rakuten_poll", "--once")  # a run has just started: not due
    assert len(queued_tasks()) == 1


def test_a_poll_stores_and_allocates_a_new_order_then_costs_one_search_when_nothing_is_new(
        order_shop, rms_orders, settings):
    settings.RAKUTEN_ORDER_POLL_SECONDS = POLL
    account = order_shop.account
    account.job_fast_orders = True
    account.save(update_fields=["job_fast_orders"])
    number, = rms_orders.create({"PackageModelList": [
        {"ItemModelList": [{"manageNumber": "tee01", "variantId": "tee01-m-blk", "units": 2}]}]})
    call_command("rakuten_poll", "--once")
    assert run_queued() and Order.objects.get(order_number=number).state == "allocated"
    assert len(rms_orders.log("rpay.order.searchOrder")) == 1

    for _ in range(3):  # three more polls, one period apart, with nothing new
        SyncRun.objects.update(started_at=timezone.now() - timedelta(seconds=POLL))
        rms_orders.clear_log()
        calls_before = ApiCall.objects.count()
        call_command("rakuten_poll", "--once")
        result, = run_queued()
        assert "success" in result
        assert len(rms_orders.log("rpay.order.searchOrder")) == 1 and rms_orders.log("rpay.order.getOrder") == []
        assert ApiCall.objects.count() - calls_before == 1  # exactly one RMS call per poll
    assert Order.objects.count() == 1


def test_the_account_form_offers_the_switch():
    assert "job_fast_orders" in EcAccountForm.Meta.fields


# --- the setting and the process -------------------------------------------------------------------


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(DJANGO_SETTINGS_MODULE="config.test_settings", DATABASE_URL=f"sqlite:///{tmp_path / 'poll.sqlite3'}",
               RAKUTEN_LINK_VAR_DIR=str(tmp_path), **extra)
    return env


def _settings_value(tmp_path: Path, value: str) -> subprocess.CompletedProcess:
    code = "import django; django.setup(); from django.conf import settings; print(settings.RAKUTEN_ORDER_POLL_SECONDS)"
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          env=_env(tmp_path, RAKUTEN_ORDER_POLL_SECONDS=value), timeout=60)


def test_a_poll_below_ten_seconds_is_refused_at_start_up(tmp_path):
    refused = _settings_value(tmp_path, "9")
    assert refused.returncode != 0
    assert "ImproperlyConfigured" in refused.stderr and "RAKUTEN_ORDER_POLL_SECONDS is 9" in refused.stderr
    accepted = _settings_value(tmp_path, "10")
    assert accepted.returncode == 0 and accepted.stdout.strip() == "10"


def test_the_poller_process_stops_cleanly_on_sigterm(tmp_path):
    env = _env(tmp_path)
    subprocess.run([sys.executable, "manage.py", "migrate", "--verbosity", "0"], cwd=ROOT, env=env, check=True,
                   timeout=120)
    process = subprocess.Popen([sys.executable, "manage.py", "rakuten_poll"], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert "order poller: every 60 s" in process.stdout.readline()
        time.sleep(1.5)  # a pass or two
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    assert "order poller stopped" in out
