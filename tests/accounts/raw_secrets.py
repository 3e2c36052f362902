"""Helpers for tests of secrets as stored: the raw encrypted columns, and ciphertexts made with another key."""

from __future__ import annotations

from cryptography.fernet import Fernet
from django.db import connection

from accounts.models import EcAccount
from accounts.secrets import SECRET_FIELDS

OTHER_KEY = Fernet.generate_key().decode()


def raw_secrets(account: EcAccount) -> dict[str, str]:
    """The secret columns exactly as the database holds them."""
    columns = ", ".join(SECRET_FIELDS)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM accounts_ecaccount WHERE id = %s", [account.pk])
        row = cursor.fetchone()
    return dict(zip(SECRET_FIELDS, row, strict=True))


def encrypt_with(key: str, plain: str) -> str:
    return Fernet(key.encode()).encrypt(plain.encode()).decode()


def store_under_key(account: EcAccount, key: str = OTHER_KEY, **plain: str) -> dict[str, str]:
    """Overwrite secret columns with ciphertexts made with ``key`` (as if FIELD_ENCRYPTION_KEY had changed)."""
    tokens = {name: encrypt_with(key, value) for name, value in plain.items()}
    assignments = ", ".join(f"{name} = %s" for name in tokens)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE accounts_ecaccount SET {assignments} WHERE id = %s", [*tokens.values(), account.pk])
    return tokens
