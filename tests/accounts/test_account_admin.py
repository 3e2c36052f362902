"""The account form through the real admin: validation, write-only secrets, encryption at rest."""

import pytest
from django.db import connection

from accounts.models import EcAccount
from tests.conftest import ACCOUNT_INLINES

SECRET = "SP999999_topsecretvalue"
LICENSE = "SL999999_licensekeyvalue"
SMTP_PASSWORD = "smtp-pass-very-secret"


def _form(store, **overrides):
    data = {
        "name": "楽天本店",
        "stores": [store.pk],
        "shop_url": "myshop",
        "service_secret": SECRET,
        "license_key": LICENSE,
        "smtp_id": "smtp-id",
        "smtp_password": SMTP_PASSWORD,
        "smtp_from_address": "shop@example.com",
        "tax_rounding": "floor",
        "job_fetch_orders": "on",
        "safety_stock": "1",
        "alert_email": "alerts@example.com",
        "invoice_issuer_name": "株式会社テスト",
        "invoice_registration_number": "T7000012050002",
        "prohibited_words": "最安値\n日本一",
        "status": "unchecked",
    }
    data.update(ACCOUNT_INLINES)
    data.update(overrides)
    return data


@pytest.fixture
def store(make_store):
    return make_store("S1", "本店")


def test_staff_can_register_an_account(admin_client, store):
    response = admin_client.post("/admin/accounts/ecaccount/add/", _form(store))
    assert response.status_code == 302, response.content.decode()[:2000]
    account = EcAccount.objects.get()
    assert account.shop_url == "https://www.rakuten.co.jp/myshop/"
    assert account.service_secret == SECRET and account.license_key == LICENSE
    assert list(account.stores.all()) == [store]
    assert account.credentials_changed_at is not None


def test_secrets_are_encrypted_at_rest(admin_client, store):
    admin_client.post("/admin/accounts/ecaccount/add/", _form(store))
    with connection.cursor() as cursor:
        cursor.execute("SELECT service_secret, license_key, smtp_password FROM accounts_ecaccount")
        raw = cursor.fetchone()
    for column, plain in zip(raw, (SECRET, LICENSE, SMTP_PASSWORD), strict=True):
        assert plain not in column
        assert "999999" not in column


def test_secrets_are_never_rendered_back(admin_client, store):
    admin_client.post("/admin/accounts/ecaccount/add/", _form(store))
    account = EcAccount.objects.get()
    for url in (f"/admin/accounts/ecaccount/{account.pk}/change/", "/admin/accounts/ecaccount/"):
        html = admin_client.get(url).content.decode()
        for secret in (SECRET, LICENSE, SMTP_PASSWORD):
            assert secret not in html
            assert secret[:-3] not in html


def test_a_blank_secret_keeps_the_stored_value(admin_client, store):
    admin_client.post("/admin/accounts/ecaccount/add/", _form(store))
    account = EcAccount.objects.get()
    changed_at = account.credentials_changed_at
    response = admin_client.post(
        f"/admin/accounts/ecaccount/{account.pk}/change/",
        _form(store, service_secret="", license_key="", smtp_password="", safety_stock="3"),
    )
    assert response.status_code == 302
    account.refresh_from_db()
    assert (account.service_secret, account.license_key, account.smtp_password) == (SECRET, LICENSE, SMTP_PASSWORD)
    assert account.safety_stock == 3
    assert account.credentials_changed_at == changed_at


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("invoice_registration_number", "T1000012050002", "check digit"),
        ("service_secret", "SP99 9999", "space"),
        ("license_key", "SLキー", "half-width"),
        ("alert_email", "not-an-email", "email"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(admin_client, store, field, value, message):
    admin_client.cookies["django_language"] = "en"
    response = admin_client.post("/admin/accounts/ecaccount/add/", _form(store, **{field: value}))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert field in errors
    assert message in " ".join(errors[field]).lower() or message in " ".join(errors[field])
    assert not EcAccount.objects.exists()


def test_the_japanese_form_names_the_problem(admin_client, store):
    admin_client.cookies["django_language"] = "ja"
    response = admin_client.post(
        "/admin/accounts/ecaccount/add/", _form(store, invoice_registration_number="T1000012050002")
    )
    assert "チェックディジット" in response.content.decode()


def test_a_new_account_requires_both_credentials(admin_client, store):
    response = admin_client.post("/admin/accounts/ecaccount/add/", _form(store, license_key=""))
    assert "license_key" in response.context["adminform"].form.errors
    assert not EcAccount.objects.exists()


def test_the_list_shows_the_status_badge(admin_client, make_account, store):
    make_account("楽天A", stores=[store])
    html = admin_client.get("/admin/accounts/ecaccount/").content.decode()
    assert "status-badge status-unchecked" in html
