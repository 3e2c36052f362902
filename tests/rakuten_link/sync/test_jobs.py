"""The job registry is loud: a kind without a function fails start-up, a kind not built says so."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError, SystemCheckError
from django.utils import translation

from rakuten_link.models import JobKind, SyncRun
from rakuten_link.sync import jobs


def test_every_kind_has_a_function_or_is_declared_not_built():
    assert jobs.registry_errors() == []
    assert set(jobs.JOBS) | jobs.NOT_BUILT == set(JobKind)


def test_a_kind_whose_function_is_removed_fails_the_start_up_check(monkeypatch):
    registry = dict(jobs.JOBS)
    del registry[JobKind.MAPPINGS]
    monkeypatch.setattr(jobs, "JOBS", registry)
    assert jobs.registry_errors() == ["job 'mappings' has no function in rakuten_link.sync.jobs.JOBS"]
    with pytest.raises(SystemCheckError, match="rakuten_link.E001"):
        call_command("check")


def test_a_function_that_is_not_callable_fails_too(monkeypatch):
    monkeypatch.setattr(jobs, "JOBS", {**jobs.JOBS, JobKind.LICENSE: "rakuten_link.sync.license.check_license"})
    assert jobs.registry_errors() == ["job 'license' has no function in rakuten_link.sync.jobs.JOBS"]


@pytest.fixture
def messages_not_built(monkeypatch):
    """A kind declared not built (as messages were before they existed), to test that path."""
    monkeypatch.setattr(jobs, "JOBS", {k: v for k, v in jobs.JOBS.items() if k != JobKind.MESSAGES})
    monkeypatch.setattr(jobs, "NOT_BUILT", frozenset({JobKind.MESSAGES}))


@pytest.mark.django_db
def test_rakuten_sync_says_a_kind_is_not_built_yet(messages_not_built):
    with pytest.raises(CommandError, match="'messages' is not built in this version yet"):
        call_command("rakuten_sync", "messages")


@pytest.mark.django_db
def test_running_an_unbuilt_job_directly_raises_instead_of_skipping(account, messages_not_built):
    with pytest.raises(jobs.JobNotAvailable, match="'messages' is not built"), translation.override("en"):
        jobs.run_account_job(account, JobKind.MESSAGES)


def test_a_kind_with_a_function_still_declared_not_built_fails_the_check(monkeypatch):
    monkeypatch.setattr(jobs, "NOT_BUILT", frozenset({JobKind.MESSAGES}))
    assert jobs.registry_errors() == ["job 'messages' has a function but is still declared NOT_BUILT"]


@pytest.mark.django_db
def test_rakuten_sync_runs_shipments(account):
    call_command("rakuten_sync", "shipments", "--account", account.name)  # nothing pending: no RMS call
    run = SyncRun.objects.get(account=account, kind=JobKind.SHIPMENTS)
    assert run.status == "success" and run.counts["calls"] == 0


def test_all_runs_only_the_built_jobs():
    assert jobs.available_jobs() == ["orders", "open-orders", "inventory", "shipments", "messages", "mappings",
                                     "license", "catalogue", "prices"]
