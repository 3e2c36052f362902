"""The EC account admin in real headless Chromium: Japanese UI, the store picker, write-only secrets."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from accounts.models import EcAccount

CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags Chromium keeps dialling Google, which this network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"

USERNAME = "staff"
PASSWORD = "browser-test-password"
SECRET = "SP999999_browsersecret"
LICENSE = "SL999999_browserlicense"
SMTP_PASSWORD = "smtp-browser-password"
VALID_T_NUMBER = "T7000012050002"
BAD_T_NUMBER = "T1000012050002"  # wrong check digit

# Saving checks the credentials against the RMS sandbox, which knows this pair: the badge must say 有効.
ACCEPTED_STATUSES_AFTER_SAVE = {"有効"}

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() not in ("", "0", "false", "no"):
        pytest.fail(f"{reason}; CI is set, so the browser tests must run, not skip")
    pytest.skip(reason)



@pytest.fixture
def page(browser):
    context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def logged_in(page, live_server, django_user_model):
    """A superuser logged in through the real login form, which is in Japanese."""
    django_user_model.objects.create_superuser(USERNAME, "staff@example.com", PASSWORD)
    page.goto(f"{live_server.url}/admin/")
    assert page.locator("html").get_attribute("lang") == "ja"
    page.fill("#id_username", USERNAME)
    page.fill("#id_password", PASSWORD)
    login = page.locator('#login-form input[type="submit"]')
    assert login.get_attribute("value") == "ログイン"
    login.click()
    page.locator("#user-tools").wait_for()
    return page


@pytest.fixture
def store(make_store):
    return make_store("S1", "本店")


@pytest.fixture(autouse=True)
def rms_knows_the_browser_credentials(sandbox, settings):
    from datetime import timedelta

    from django.utils import timezone

    sandbox.state.add_credential(SECRET, LICENSE, "999999", timezone.now() + timedelta(days=80))
    settings.RMS_API_BASE_URL = sandbox.url


def _fill_account_form(page, live_server, store, *, t_number: str) -> None:
    page.goto(f"{live_server.url}/admin/accounts/ecaccount/add/")
    page.fill("#id_name", "楽天ブラウザ店")
    # filter_horizontal: pick the store on the left and move it right, as staff would.
    page.select_option("#id_stores_from", str(store.pk))
    page.click("#id_stores_add")
    assert page.locator("#id_stores_to option").all_inner_texts() == [str(store)]
    page.fill("#id_shop_url", "myshop")
    page.fill("#id_service_secret", SECRET)
    page.fill("#id_license_key", LICENSE)
    page.fill("#id_smtp_password", SMTP_PASSWORD)
    page.fill("#id_alert_email", "alerts@example.com")
    page.fill("#id_invoice_registration_number", t_number)
    page.click('input[name="_save"]')
    page.wait_for_load_state()


def _assert_no_secret_in(html: str, where: str) -> None:
    for secret in (SECRET, LICENSE, SMTP_PASSWORD):
        assert secret not in html, f"a secret is rendered on {where}"
        assert secret[:-3] not in html, f"most of a secret is rendered on {where}"


def assert_status_badge_after_save(page) -> None:
    badge = page.locator(".status-badge")
    assert badge.count() == 1
    assert badge.is_visible()
    assert badge.inner_text().strip() in ACCEPTED_STATUSES_AFTER_SAVE


def test_staff_register_an_account_and_never_see_its_secrets_again(logged_in, live_server, store):
    page = logged_in
    _fill_account_form(page, live_server, store, t_number=VALID_T_NUMBER)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "account_list.png"), full_page=True)  # before asserting: shows failures too

    assert page.url.endswith("/admin/accounts/ecaccount/"), page.locator(".errornote, .errorlist").all_inner_texts()
    assert page.locator(".messagelist .success").first.is_visible()
    assert "有効" in page.locator(".messagelist").inner_text()
    assert_status_badge_after_save(page)
    _assert_no_secret_in(page.content(), "the change list")

    account = EcAccount.objects.get()
    assert account.shop_url == "https://www.rakuten.co.jp/myshop/"
    assert (account.service_secret, account.license_key, account.smtp_password) == (SECRET, LICENSE, SMTP_PASSWORD)
    assert account.invoice_registration_number == VALID_T_NUMBER
    assert list(account.stores.all()) == [store]

    page.goto(f"{live_server.url}/admin/accounts/ecaccount/{account.pk}/change/")
    assert page.locator("#id_name").input_value() == "楽天ブラウザ店"
    _assert_no_secret_in(page.content(), "the change page")


def test_a_wrong_registration_number_is_refused_and_nothing_is_saved(logged_in, live_server, store):
    page = logged_in
    _fill_account_form(page, live_server, store, t_number=BAD_T_NUMBER)

    assert page.url.endswith("/admin/accounts/ecaccount/add/")
    assert page.locator(".errornote").is_visible()
    assert page.locator(".field-invoice_registration_number .errorlist").is_visible()
    _assert_no_secret_in(page.content(), "the refused form")
    assert not EcAccount.objects.exists()
