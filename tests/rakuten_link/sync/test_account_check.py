"""Saving credentials checks them against RMS (the sandbox over real HTTP) and shows 有効 / 無効."""

import time
from datetime import timedelta

from django.core import mail
from django.utils import timezone

from accounts.models import EcAccount
from rakuten_link.models import AlertLog, ApiCall
from rakuten_link.sync.account_check import check_account
from rakuten_link.sync.jobs import run_account_job
from tests.accounts.raw_secrets import store_under_key
from tests.conftest import ACCOUNT_INLINES, DEMO_LICENSE, DEMO_SECRET

OTHER_FUNCTIONS = ["rpay.order.searchOrder", "rpay.order.getOrder", "inventoryapi_2.0.bulk.get",
                   "itemapi_2.0.items.search", "itemapi_2.0.items.bulk.get"]


def test_valid_credentials_turn_the_account_valid_and_store_the_expiry(rms, account):
    outcome = check_account(account)
    account.refresh_from_db()
    assert outcome.status == account.status == "valid"
    assert abs((account.license_expires_at - (timezone.now() + timedelta(days=60))).total_seconds()) < 86400 * 1.1
    # The licence lookup, then one read per other function the account's jobs need (the ✓/✗ list).
    assert [r["function"] for r in rms.state.requests()] == ["license.expiryDate.get", *OTHER_FUNCTIONS]
    assert ApiCall.objects.filter(function="license.expiryDate.get").get().http_status == 200


def test_a_wrong_key_turns_the_account_invalid_with_a_reason(rms, account):
    account.license_key = "SL000001_wrong"
    account.save()
    outcome = check_account(account)
    account.refresh_from_db()
    assert account.status == "invalid"
    assert "licenseKey" in account.status_reason
    assert outcome.reachable


def test_an_expired_key_says_so(rms, account):
    rms.state.find_credential(account.service_secret, account.license_key).expires_at = timezone.now() - timedelta(
        days=1
    )
    account.license_expires_at = timezone.now() - timedelta(days=1)
    account.save()
    check_account(account)
    account.refresh_from_db()
    assert account.status == "invalid"
    assert "expired" in account.status_reason or "期限" in account.status_reason


def test_without_the_license_function_it_falls_back_to_search_order(rms, account):
    rms.state.find_credential(account.service_secret, account.license_key).disabled.add("license.expiryDate.get")
    account.credentials_changed_at = timezone.now()
    account.save()
    check_account(account)
    account.refresh_from_db()
    assert account.status == "valid"
    assert "license.expiryDate.get" in account.status_reason
    assert [r["function"] for r in rms.state.requests()][:2] == ["license.expiryDate.get", "rpay.order.searchOrder"]
    assert account.license_expires_at.date() == (account.credentials_changed_at + timedelta(days=90)).date()


def test_an_unreachable_rms_is_not_invalid(db, settings, account):
    settings.RMS_API_BASE_URL = "http://127.0.0.1:9"
    account.status = "valid"
    account.save()
    outcome = check_account(account)
    account.refresh_from_db()
    assert not outcome.reachable
    assert account.status == "valid"
    assert "RMS" in account.status_reason


def test_the_check_is_bounded_when_rms_hangs(rms, account, settings):
    settings.RMS_CHECK_TIMEOUT = 2
    rms.state.patch_config({"latency_ms": 6000})
    started = time.monotonic()
    outcome = check_account(account)
    assert time.monotonic() - started < 4
    assert not outcome.reachable


def test_saving_in_the_admin_shows_valid(rms, admin_client, make_store):
    store = make_store()
    response = admin_client.post(
        "/admin/accounts/ecaccount/add/",
        {
            "name": "楽天本店", "stores": [store.pk], "shop_url": "myshop", "service_secret": "SP000001_sandboxsecret",
            "license_key": "SL000001_sandboxlicense", "tax_rounding": "floor", "safety_stock": "0", **ACCOUNT_INLINES,
        },
        follow=True,
    )
    assert response.redirect_chain, response.context["adminform"].form.errors
    account = EcAccount.objects.get()
    assert account.status == "valid"
    assert "status-badge status-valid" in admin_client.get("/admin/accounts/ecaccount/").content.decode()
    assert "valid" in response.content.decode() or "有効" in response.content.decode()


def test_the_recheck_action_checks_selected_accounts(rms, admin_client, account):
    admin_client.post(
        "/admin/accounts/ecaccount/", {"action": "recheck_accounts", "_selected_action": [account.pk]}
    )
    account.refresh_from_db()
    assert account.status == "valid"


# --- credentials the current FIELD_ENCRYPTION_KEY cannot decrypt ---------------------------------


def _lock(account):
    """Store the account's credentials as a database restored under another key would hold them."""
    store_under_key(account, service_secret=DEMO_SECRET, license_key=DEMO_LICENSE)
    return EcAccount.objects.get(pk=account.pk)


def test_unreadable_credentials_are_never_sent_and_the_account_says_why(rms, account):
    locked = _lock(account)
    outcome = check_account(locked)
    locked.refresh_from_db()
    assert rms.state.requests() == [] and not ApiCall.objects.exists()
    assert outcome.status == locked.status == "invalid"
    assert "FIELD_ENCRYPTION_KEY" in locked.status_reason and "RMS" not in locked.status_reason
    assert not locked.jobs_paused


def test_a_job_with_unreadable_credentials_stops_before_rms_without_the_auth_alert(rms, account):
    locked = _lock(account)
    run = run_account_job(locked, "license")
    locked.refresh_from_db()
    assert run.status == "failed" and "FIELD_ENCRYPTION_KEY" in run.error
    assert "authentication" not in run.error and "認証に失敗" not in run.error  # not framed as an RMS auth failure
    assert rms.state.requests() == [] and not ApiCall.objects.exists()
    assert mail.outbox == [] and not AlertLog.objects.exists()
    assert locked.status == "invalid" and "FIELD_ENCRYPTION_KEY" in locked.status_reason and not locked.jobs_paused
    for text in (run.error, run.summary, locked.status_reason):
        assert DEMO_SECRET not in text and DEMO_LICENSE not in text


def test_once_the_right_key_is_back_the_jobs_run_again(rms, account):
    locked = _lock(account)
    assert run_account_job(locked, "license").status == "failed"
    restored = EcAccount.objects.get(pk=account.pk)
    restored.service_secret, restored.license_key = DEMO_SECRET, DEMO_LICENSE  # as after restoring the key
    restored.save()
    assert run_account_job(restored, "license").status == "success"
    restored.refresh_from_db()
    assert restored.status == "valid" and restored.status_reason == ""
