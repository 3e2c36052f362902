"""The ✓/✗ list of RMS API functions: the account check probes each, a job's refusal marks its function ✗.

The sandbox refuses a function listed in a credential's ``disabledFunctions`` (set over its control API) the
way RMS does: 401 GA0001, or ES04-01 in the older ``results`` shape.
"""

from __future__ import annotations

import pytest

from accounts.models import EcAccount
from rakuten_link.models import ApiFunctionCheck
from rakuten_link.sync.account_check import check_account
from rakuten_link.sync.jobs import run_account_job
from tests.conftest import DEMO_LICENSE, DEMO_SECRET
from tests.support.rms_stub import control

GUIDE = "店舗様向け情報・サービス › 6 WEB APIサービス › アプリ一覧 › 詳細 › 利用機能一覧"


def _disable(rms, *functions: str) -> None:
    control(rms, "POST", "credentials", {"serviceSecret": DEMO_SECRET, "licenseKey": DEMO_LICENSE, "shop": "000001",
                                         "disabledFunctions": list(functions)})


def _states(account) -> dict[str, bool | None]:
    return dict(ApiFunctionCheck.objects.filter(account=account).values_list("function", "enabled"))


def test_the_account_check_lists_each_needed_function(rms, account):
    _disable(rms, "inventoryapi_2.0.bulk.get")

    outcome = check_account(account)

    assert outcome.status == "valid"
    assert _states(account) == {
        "license.expiryDate.get": True, "rpay.order.searchOrder": True, "rpay.order.getOrder": True,
        "inventoryapi_2.0.bulk.get": False, "itemapi_2.0.items.search": True, "itemapi_2.0.items.bulk.get": True}
    refused = [r for r in rms.state.requests() if r["function"] == "inventoryapi_2.0.bulk.get"]
    assert [r["status"] for r in refused] == [401]


def test_functions_of_switched_off_jobs_are_not_probed(rms, account):
    account.job_fetch_orders = account.job_push_inventory = False
    account.save()
    check_account(account)
    assert set(_states(account)) == {"license.expiryDate.get", "itemapi_2.0.items.search",
                                     "itemapi_2.0.items.bulk.get"}
    assert not [r for r in rms.state.requests() if r["function"].startswith(("rpay.", "inventoryapi"))]


def test_the_account_page_shows_the_cross_and_where_to_switch_it_on(rms, account, admin_client):
    _disable(rms, "itemapi_2.0.items.search")
    check_account(account)

    page = admin_client.get(f"/admin/accounts/ecaccount/{account.pk}/change/").content.decode()

    assert "✗" in page and "商品検索 (itemapi_2.0.items.search)" in page and GUIDE in page
    assert page.count('data-enabled="no"') == 1 and page.count('data-enabled="yes"') == 5


@pytest.mark.parametrize("shape, code", [("errors", "GA0001"), ("results", "ES04-01")])
def test_a_job_refused_for_its_function_marks_it_and_does_not_pause_the_account(rms, account, shape, code):
    control(rms, "PATCH", "config", {"auth_error_shape": shape})
    _disable(rms, "itemapi_2.0.items.search")

    run = run_account_job(account, "catalogue")

    assert run.status == "failed"
    assert "商品検索 (itemapi_2.0.items.search)" in run.error and GUIDE in run.error and code in run.error
    check = ApiFunctionCheck.objects.get(account=account, function="itemapi_2.0.items.search")
    assert (check.enabled, check.error_code, check.source) == (False, code, "catalogue")
    account = EcAccount.objects.get(pk=account.pk)
    assert not account.jobs_paused and account.status != "invalid"


def test_refused_credentials_still_pause_the_account(rms, account):
    control(rms, "DELETE", "credentials", {"serviceSecret": DEMO_SECRET, "licenseKey": DEMO_LICENSE})

    run = run_account_job(account, "catalogue")

    assert run.status == "failed"
    assert EcAccount.objects.get(pk=account.pk).jobs_paused
    assert not ApiFunctionCheck.objects.filter(account=account, enabled=False).exists()


def test_the_daily_licence_job_checks_the_functions_too(rms, account):
    _disable(rms, "rpay.order.getOrder")
    run = run_account_job(account, "license")
    assert run.status == "success" and run.counts["functions_off"] == 1
    assert _states(account)["rpay.order.getOrder"] is False
