"""Leases with a heartbeat, runs closed when their worker died, and every exit path finishing its run."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from django.db import close_old_connections
from django.utils import timezone, translation
from django_q.exceptions import TimeoutException

from rakuten_link.models import AlertLog, JobLease, SyncRun
from rakuten_link.sync.abandoned import sweep_abandoned_runs
from rakuten_link.sync.leases import acquire_lease, lease
from rakuten_link.sync.runner import JobResult, run_job


@pytest.mark.django_db(transaction=True)
def test_a_live_holder_keeps_its_lease_past_the_expiry_and_is_never_overtaken(account, settings):
    settings.RAKUTEN_LEASE_SECONDS = 0.6
    seen = []

    def long_job(**_):
        deadline = time.monotonic() + 2.0  # more than three lease periods
        while time.monotonic() < deadline:
            other = threading.Thread(target=lambda: (seen.append(acquire_lease(account, "license")),
                                                     close_old_connections()))
            other.start()
            other.join()
            time.sleep(0.3)
        return JobResult(summary="done")

    run = run_job(account, "license", long_job)
    assert run.status == "success" and len(seen) >= 5 and set(seen) == {None}
    assert not JobLease.objects.exists()  # released at the end


@pytest.mark.django_db(transaction=True)
def test_a_dead_holders_lease_blocks_only_until_it_expires(account, settings):
    settings.RAKUTEN_LEASE_SECONDS = 0.5
    assert acquire_lease(account, "license") is not None  # a holder that never beats: killed outright
    blocked = run_job(account, "license", lambda **_: JobResult(summary="ran"))
    time.sleep(0.6)
    after = run_job(account, "license", lambda **_: JobResult(summary="ran"))
    assert (blocked.status, after.status) == ("skipped", "success")


def test_the_heartbeat_stops_with_the_job(account, settings):
    settings.RAKUTEN_LEASE_SECONDS = 30
    with lease(account, "license") as token:
        assert token is not None
        assert any(t.name == f"lease-license-{account.pk}" for t in threading.enumerate())
    assert not any(t.name == f"lease-license-{account.pk}" for t in threading.enumerate())


def _times_out(**_):
    raise TimeoutException("Task exceeded maximum timeout value (240 seconds)")


def test_a_timeout_inside_a_job_leaves_a_finished_failed_run_and_one_alert(account, mailoutbox):
    with pytest.raises(SystemExit), translation.override("en"):
        run_job(account, "license", _times_out)
    run = SyncRun.objects.get()
    assert run.status == "failed" and run.finished_at is not None and "time limit" in run.error
    assert AlertLog.objects.filter(kind="job_interrupted").count() == 1 and len(mailoutbox) == 1
    assert not JobLease.objects.exists()


def test_a_keyboard_interrupt_is_recorded_too(account):
    def stopped(**_):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_job(account, "license", stopped)
    assert SyncRun.objects.get().status == "failed"


def test_the_next_run_closes_a_run_its_dead_worker_left_running_and_alerts_once(account, mailoutbox):
    dead = SyncRun.objects.create(account=account, kind="license")
    SyncRun.objects.filter(pk=dead.pk).update(started_at=timezone.now() - timedelta(minutes=5))
    with translation.override("en"):
        first = run_job(account, "license", lambda **_: JobResult(summary="ran"))
    second = run_job(account, "license", lambda **_: JobResult(summary="ran"))
    dead.refresh_from_db()
    assert dead.status == "failed" and dead.finished_at and dead.error.startswith("abandoned")
    assert (first.status, second.status) == ("success", "success")
    assert AlertLog.objects.filter(kind="job_abandoned").count() == 1 and len(mailoutbox) == 1


def test_the_sweep_closes_runs_without_a_live_lease_only(account, make_account):
    other = make_account("別の店")
    old = timezone.now() - timedelta(minutes=10)
    orphan = SyncRun.objects.create(account=account, kind="orders")
    live = SyncRun.objects.create(account=other, kind="orders")
    SyncRun.objects.filter(pk__in=[orphan.pk, live.pk]).update(started_at=old)
    JobLease.objects.create(account=other, kind="orders", holder="x", expires_at=timezone.now() + timedelta(seconds=30))
    assert sweep_abandoned_runs() == 1
    orphan.refresh_from_db(), live.refresh_from_db()
    assert (orphan.status, live.status) == ("failed", "running")
