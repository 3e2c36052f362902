"""A wrong or rotated FIELD_ENCRYPTION_KEY never turns a ciphertext into a credential, and never destroys one."""

import pytest
from django.core.checks import run_checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from accounts.models import EcAccount
from accounts.secrets import SecretUnreadable, UnreadableSecret, masked
from tests.accounts.raw_secrets import raw_secrets, store_under_key
from tests.conftest import ACCOUNT_INLINES

SECRET = "SP999999_topsecretvalue"
LICENSE = "SL999999_licensekeyvalue"
SMTP_PASSWORD = "smtp-pass-very-secret"


@pytest.fixture
def account(make_account, make_store):
    return make_account("鍵違い店", stores=[make_store()], service_secret=SECRET, license_key=LICENSE,
                        smtp_password=SMTP_PASSWORD)


@pytest.fixture
def locked(account):
    """The account's secrets as a database restored with the wrong key would hold them."""
    store_under_key(account, service_secret=SECRET, license_key=LICENSE, smtp_password=SMTP_PASSWORD)
    return EcAccount.objects.get(pk=account.pk)


def test_a_secret_the_key_cannot_decrypt_is_never_a_value(locked):
    tokens = raw_secrets(locked)
    for name in ("service_secret", "license_key", "smtp_password"):
        value = getattr(locked, name)
        assert isinstance(value, UnreadableSecret)
        assert value != tokens[name]
        with pytest.raises(SecretUnreadable):
            str(value)
        with pytest.raises(SecretUnreadable):
            f"{value}:x"
        assert tokens[name] not in repr(value)
        assert tokens[name][-12:] not in masked(value) and "•" not in masked(value)


def test_saving_the_account_leaves_the_stored_ciphertext_untouched(locked):
    before = raw_secrets(locked)
    locked.safety_stock = 4
    locked.full_clean()
    locked.save()
    assert raw_secrets(locked) == before


def test_saving_the_form_with_only_safety_stock_changed_keeps_every_ciphertext(admin_client, locked):
    before = raw_secrets(locked)
    page = admin_client.get(f"/admin/accounts/ecaccount/{locked.pk}/change/").content.decode()
    assert "暗号化キー" in page and "FIELD_ENCRYPTION_KEY" not in page  # staff terms; the setting is in the docs
    assert not any(token[-12:] in page for token in before.values())
    data = {"name": locked.name, "stores": [s.pk for s in locked.stores.all()], "shop_url": locked.shop_url,
            "service_secret": "", "license_key": "", "smtp_password": "", "tax_rounding": "floor",
            "safety_stock": "4", "alert_email": "alerts@example.com", **ACCOUNT_INLINES}
    response = admin_client.post(f"/admin/accounts/ecaccount/{locked.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert raw_secrets(locked) == before
    assert EcAccount.objects.get(pk=locked.pk).safety_stock == 4


def test_the_system_check_names_the_accounts_and_never_a_value(locked, make_account):
    make_account("鍵の合う店")
    errors = [e for e in run_checks() if e.id == "accounts.E001"]
    assert len(errors) == 1
    text = f"{errors[0].msg} {errors[0].hint}"
    assert "鍵違い店" in text and "鍵の合う店" not in text
    assert "FIELD_ENCRYPTION_KEY" in text and "service_secret" in text
    for value in (SECRET, LICENSE, SMTP_PASSWORD, *raw_secrets(locked).values()):
        assert value not in text
    with pytest.raises(SystemCheckError, match="accounts.E001"):
        call_command("check")


def test_the_system_check_passes_when_every_secret_decrypts(account):
    assert [e for e in run_checks() if e.id == "accounts.E001"] == []


def test_the_manual_order_fetch_says_why_instead_of_failing(locked):
    from rakuten_link.sync.orders.manual import fetch_order_by_number

    result = fetch_order_by_number(locked, "000001-20250101-00000001")
    assert not result.ok and "FIELD_ENCRYPTION_KEY" in result.message and SECRET not in result.message
