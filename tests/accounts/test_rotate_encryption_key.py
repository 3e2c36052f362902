"""`manage.py rotate_encryption_key`: what the old key encrypted is re-encrypted with the current one."""

from io import StringIO

import pytest
from cryptography.fernet import Fernet, MultiFernet
from django.core.management import call_command
from django.core.management.base import CommandError
from encrypted_model_fields import fields as library

from accounts.models import EcAccount
from tests.accounts.raw_secrets import raw_secrets, store_under_key

SECRET = "SP999999_topsecretvalue"
LICENSE = "SL999999_licensekeyvalue"
SMTP_PASSWORD = "smtp-pass-very-secret"
OLD_KEY = Fernet.generate_key().decode()


@pytest.fixture
def under_old_key(make_account):
    """Two accounts: one still encrypted with the old key, one already with the current key."""
    old = make_account("旧鍵の店")
    store_under_key(old, OLD_KEY, service_secret=SECRET, license_key=LICENSE, smtp_password=SMTP_PASSWORD)
    make_account("新鍵の店", service_secret="SP000002_fresh", license_key="SL000002_fresh")
    return old


def _rotate(*args, **options) -> str:
    out = StringIO()
    call_command("rotate_encryption_key", *args, stdout=out, **options)
    return out.getvalue()


def _assert_no_value(text: str, account: EcAccount) -> None:
    for value in (SECRET, LICENSE, SMTP_PASSWORD, OLD_KEY, *raw_secrets(account).values()):
        assert value not in text


def test_secrets_under_the_old_key_are_re_encrypted_with_the_current_one(under_old_key):
    before = raw_secrets(under_old_key)
    output = _rotate(old_key=OLD_KEY)
    account = EcAccount.objects.get(pk=under_old_key.pk)
    assert (account.service_secret, account.license_key, account.smtp_password) == (SECRET, LICENSE, SMTP_PASSWORD)
    assert all(raw_secrets(account)[name] != token for name, token in before.items())
    assert "re-encrypted 3 secret(s) of 1 account(s)" in output and "3 already used it" in output
    _assert_no_value(output, account)


def test_a_second_run_changes_nothing(under_old_key):
    _rotate(old_key=OLD_KEY)
    after_first = raw_secrets(under_old_key)
    output = _rotate(old_key=OLD_KEY)
    assert raw_secrets(under_old_key) == after_first
    assert "re-encrypted 0 secret(s) of 0 account(s)" in output and "6 already used it" in output


def test_the_old_key_can_come_from_the_environment_and_a_dry_run_writes_nothing(under_old_key, monkeypatch):
    monkeypatch.setenv("OLD_FIELD_ENCRYPTION_KEY", f"{Fernet.generate_key().decode()},{OLD_KEY}")
    before = raw_secrets(under_old_key)
    output = _rotate(dry_run=True)
    assert "dry run" in output and "re-encrypted 3 secret(s)" in output
    assert raw_secrets(under_old_key) == before
    _rotate()
    assert EcAccount.objects.get(pk=under_old_key.pk).service_secret == SECRET


def test_secrets_neither_key_decrypts_are_named_and_left_alone(under_old_key):
    stranger = EcAccount.objects.get(name="新鍵の店")
    store_under_key(stranger, Fernet.generate_key().decode(), service_secret="SP000002_fresh")
    kept = raw_secrets(stranger)["service_secret"]
    with pytest.raises(CommandError) as info:
        _rotate(old_key=OLD_KEY)
    assert "新鍵の店 (service_secret)" in str(info.value) and "旧鍵の店" not in str(info.value)
    assert raw_secrets(stranger)["service_secret"] == kept
    assert EcAccount.objects.get(pk=under_old_key.pk).service_secret == SECRET
    _assert_no_value(str(info.value), under_old_key)


def test_a_missing_or_malformed_old_key_is_refused_without_echoing_it(db, monkeypatch):
    monkeypatch.delenv("OLD_FIELD_ENCRYPTION_KEY", raising=False)
    with pytest.raises(CommandError, match="--old-key"):
        _rotate()
    with pytest.raises(CommandError) as info:
        _rotate(old_key="not-a-key-at-all")
    assert "not-a-key-at-all" not in str(info.value)


def test_with_a_key_list_in_settings_the_further_keys_are_the_old_ones(under_old_key, settings, monkeypatch):
    """FIELD_ENCRYPTION_KEY as a list: the library decrypts with every key and encrypts with the first."""
    current = settings.FIELD_ENCRYPTION_KEY
    settings.FIELD_ENCRYPTION_KEY = [current, OLD_KEY]
    monkeypatch.setattr(library, "CRYPTER", MultiFernet([Fernet(current), Fernet(OLD_KEY)]))
    assert EcAccount.objects.get(pk=under_old_key.pk).service_secret == SECRET  # readable, but not yet rotated
    assert "re-encrypted 3 secret(s) of 1 account(s)" in _rotate()
    monkeypatch.setattr(library, "CRYPTER", MultiFernet([Fernet(current)]))
    account = EcAccount.objects.get(pk=under_old_key.pk)
    assert (account.service_secret, account.license_key, account.smtp_password) == (SECRET, LICENSE, SMTP_PASSWORD)
