"""The job framework: SyncRun/ApiCall records, auth pause with one alert, leases, license reminders."""

import base64
import logging
import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_q.models import Schedule

from rakuten_link.models import AlertLog, ApiCall, JobLease, SyncRun
from rakuten_link.sandbox.state.faults import FaultRule
from rakuten_link.sync.jobs import run_account_job
from rakuten_link.sync.leases import acquire_lease
from rakuten_link.sync.runner import JobResult, run_job
from rakuten_link.tasks import prune_logs, run_for_account
from tests.conftest import ACCOUNT_INLINES, DEMO_LICENSE, DEMO_SECRET


def _set_expiry(rms, days: float):
    rms.state.find_credential(DEMO_SECRET, DEMO_LICENSE).expires_at = timezone.now() + timedelta(days=days)


def test_the_license_job_records_its_run_and_calls(rms, account):
    run = run_account_job(account, "license")
    assert run.status == "success", run.error
    assert "days left" in run.summary or "残り" in run.summary
    call = ApiCall.objects.filter(sync_run=run).order_by("id").first()
    assert ApiCall.objects.filter(sync_run=run).count() == 6  # the licence, then the ✓/✗ list's five reads
    assert (call.function, call.http_status, call.method) == ("license.expiryDate.get", 200, "GET")
    assert "?" not in call.path
    account.refresh_from_db()
    assert account.license_expires_at is not None and account.status == "valid"


def test_an_auth_failure_marks_invalid_pauses_and_alerts_exactly_once(rms, account):
    rms.state.remove_credential(DEMO_SECRET, DEMO_LICENSE)
    first = run_account_job(account, "license")
    second = run_account_job(account, "license")
    account.refresh_from_db()
    assert first.status == "failed" and second.status == "skipped"
    assert account.status == "invalid" and account.jobs_paused
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["alerts@example.com"]


def test_concurrent_auth_failures_still_send_one_alert(rms, account):
    from rakuten_link.rms import RmsAuthError
    from rakuten_link.sync.runner import pause_after_auth_failure

    error = RmsAuthError("Un-Authorised", http_status=401, code="GA0001")
    assert pause_after_auth_failure(account, error) is True
    assert pause_after_auth_failure(account, error) is False
    assert len(mail.outbox) == 1


def test_saving_credentials_again_resumes_the_jobs(rms, account, admin_client):
    rms.state.remove_credential(DEMO_SECRET, DEMO_LICENSE)
    run_account_job(account, "license")
    rms.state.add_credential("SP000001_new", "SL000001_new", "000001", timezone.now() + timedelta(days=90))
    data = {
        "name": account.name, "stores": [s.pk for s in account.stores.all()], "shop_url": account.shop_url,
        "service_secret": "SP000001_new", "license_key": "SL000001_new", "tax_rounding": "floor",
        "safety_stock": "0", "alert_email": "alerts@example.com", **ACCOUNT_INLINES,
    }
    admin_client.post(f"/admin/accounts/ecaccount/{account.pk}/change/", data)
    account.refresh_from_db()
    assert not account.jobs_paused and account.status == "valid"
    assert run_account_job(account, "license").status == "success"


def test_no_credential_ever_reaches_rows_logs_or_results(rms, account, caplog):
    caplog.set_level(logging.DEBUG)
    header = base64.b64encode(f"{DEMO_SECRET}:{DEMO_LICENSE}".encode()).decode()
    rms.state.faults.add(FaultRule(target="license.expiryDate.get", remaining=2, status=503))
    results = [run_account_job(account, "license")]
    task_results = [run_for_account(account.pk, "license")]
    rms.state.remove_credential(DEMO_SECRET, DEMO_LICENSE)
    results.append(run_account_job(account, "license"))
    task_results.append(run_for_account(account.pk, "license"))
    texts = [caplog.text, *task_results, *(str(r.__dict__) for r in results)]
    texts += [str(row) for row in SyncRun.objects.values()]
    texts += [str(row) for row in ApiCall.objects.values()]
    texts += [m.subject + m.body for m in mail.outbox]
    for text in texts:
        for secret in (DEMO_SECRET, DEMO_LICENSE, header, DEMO_LICENSE[4:]):
            assert secret not in text


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_runs_of_one_job_one_runs_one_is_skipped(rms, account):
    started, release = threading.Event(), threading.Event()
    results = {}

    def slow_job(**_kwargs):
        started.set()
        release.wait(10)
        return JobResult(summary="done")

    def first():
        results["first"] = run_job(account, "license", slow_job)

    thread = threading.Thread(target=first)
    thread.start()
    assert started.wait(10)
    results["second"] = run_job(account, "license", slow_job)
    release.set()
    thread.join(10)
    assert (results["first"].status, results["second"].status) == ("success", "skipped")
    assert not JobLease.objects.exists()


def test_an_expired_lease_of_a_crashed_holder_is_taken_over(account):
    JobLease.objects.create(account=account, kind="license", holder="dead", expires_at=timezone.now() - timedelta(1))
    assert acquire_lease(account, "license") is not None
    assert acquire_lease(account, "license") is None


@pytest.mark.parametrize(("days", "threshold"), [(20, 30), (10, 14), (5.5, 7), (2.5, 3), (0.5, 1)])
def test_license_reminders_are_sent_once_per_threshold(rms, account, days, threshold):
    _set_expiry(rms, days)
    run_account_job(account, "license")
    run_account_job(account, "license")
    assert len(mail.outbox) == 1
    assert AlertLog.objects.get().kind == f"license_reminder_{threshold}"


def test_no_reminder_far_from_expiry_and_the_next_threshold_mails_again(rms, account):
    _set_expiry(rms, 45)
    run_account_job(account, "license")
    assert mail.outbox == []
    _set_expiry(rms, 13.5)
    run_account_job(account, "license")
    _set_expiry(rms, 6.5)
    run_account_job(account, "license")
    assert [a.kind for a in AlertLog.objects.order_by("sent_at")] == ["license_reminder_14", "license_reminder_7"]


def test_after_expiry_the_account_turns_invalid(rms, account):
    account.license_expires_at = timezone.now() + timedelta(days=1)
    account.save()
    rms.state.find_credential(DEMO_SECRET, DEMO_LICENSE).expires_at = timezone.now() - timedelta(hours=1)
    run_account_job(account, "license")
    account.refresh_from_db()
    assert account.status == "invalid"


def test_setup_schedules_is_idempotent(db):
    call_command("setup_schedules")
    names = set(Schedule.objects.values_list("name", flat=True))
    call_command("setup_schedules")
    assert set(Schedule.objects.values_list("name", flat=True)) == names
    assert Schedule.objects.count() == len(names)
    assert Schedule.objects.get(name="rakuten: check licenseKey").schedule_type == Schedule.DAILY


def test_old_runs_and_calls_are_pruned(rms, account):
    run_account_job(account, "license")
    SyncRun.objects.update(started_at=timezone.now() - timedelta(days=31))
    ApiCall.objects.update(created_at=timezone.now() - timedelta(days=31))
    run_account_job(account, "license")
    prune_logs()
    assert SyncRun.objects.count() == 1 and ApiCall.objects.count() == 6  # one run: its licence call and 5 probes


def test_the_command_prints_a_summary_and_fails_with_a_non_zero_status(rms, account, capsys):
    call_command("rakuten_sync", "license", "--account", account.name)
    assert "license success" in capsys.readouterr().out
    rms.state.remove_credential(DEMO_SECRET, DEMO_LICENSE)
    from django.core.management import CommandError

    with pytest.raises(CommandError) as info:
        call_command("rakuten_sync", "license", "--account", account.name)
    assert info.value.returncode == 1


def test_a_failed_job_mails_job_failed_once_an_hour_and_the_order_fetch_keeps_its_own_alert(account):
    def broken(**_kwargs):
        raise ValueError("disk full")

    def refused(**_kwargs):
        return JobResult(summary="0 sent", failed=True, error="relay unreachable")

    for job in (broken, refused, broken):
        assert run_job(account, "shipments", job).status == "failed"
    assert [m.subject.endswith("同期ジョブが失敗しました：発送済みステータス連携") for m in mail.outbox] == [True]
    assert "disk full" in mail.outbox[0].body and account.name in mail.outbox[0].body
    assert AlertLog.objects.filter(kind="job_failed").count() == 1  # throttled: one an hour
    run_job(account, "orders", broken)
    assert AlertLog.objects.filter(kind="job_failed").count() == 1  # the order fetch alerts in its own words
