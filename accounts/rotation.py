"""Re-encrypt every stored secret with the current FIELD_ENCRYPTION_KEY (``manage.py rotate_encryption_key``).

The ciphertexts are read straight from the table, so a secret the current key cannot decrypt is
never mistaken for a value. Each is decrypted with the current (primary) key first (already rotated:
left alone, which makes a second run a no-op), then with the old key(s); what decrypts is written
back through the model field, i.e. encrypted with the primary key. Values are never printed or logged.

The primary key is the first of ``settings.FIELD_ENCRYPTION_KEY`` when it is a list or tuple (the
library encrypts with it and decrypts with all of them); the further keys of such a list count as old.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cryptography.fernet
from django.conf import settings
from django.db import connection, transaction

from lib.modelfields import column_of, concrete_field

from .models import EcAccount
from .secrets import SECRET_FIELDS


class InvalidOldKey(ValueError):
    """An old key is not a Fernet key (the message never repeats it)."""


@dataclass
class RotationReport:
    rotated: int = 0
    already_current: int = 0
    rotated_accounts: set[str] = field(default_factory=set)
    unreadable: dict[str, list[str]] = field(default_factory=dict)

    @property
    def unreadable_count(self) -> int:
        return sum(len(fields) for fields in self.unreadable.values())


def configured_keys() -> list:
    """FIELD_ENCRYPTION_KEY as the library reads it: one key, or a list whose first key encrypts."""
    keys = settings.FIELD_ENCRYPTION_KEY
    return list(keys) if isinstance(keys, (list, tuple)) else [keys]


def old_crypter(keys: list[str]) -> cryptography.fernet.MultiFernet:
    """The old key(s) as one decrypter; the first key that made a token decrypts it."""
    keys = [key.strip() for key in keys if key.strip()]
    if not keys:
        raise InvalidOldKey("no old key given")
    try:
        return cryptography.fernet.MultiFernet([cryptography.fernet.Fernet(key) for key in keys])
    except (ValueError, TypeError):
        raise InvalidOldKey("an old key is not a valid Fernet key (32 url-safe base64-encoded bytes)") from None


def rotate_secrets(old_keys: list[str], *, dry_run: bool = False) -> RotationReport:
    """Re-encrypt what only the old key(s) can read; report counts and the account names left unreadable."""
    primary, *older = configured_keys()
    current = cryptography.fernet.Fernet(primary)
    old = old_crypter([*older, *old_keys])
    report = RotationReport()
    with transaction.atomic():
        for pk, name, tokens in _stored_tokens():
            plain = {}
            for field_name, token in tokens.items():
                outcome = _recover(token, current, old)
                if outcome is _CURRENT:
                    report.already_current += 1
                elif outcome is None:
                    report.unreadable.setdefault(name, []).append(field_name)
                else:
                    plain[field_name] = outcome
            if plain:
                report.rotated += len(plain)
                report.rotated_accounts.add(name)
                if not dry_run:
                    EcAccount.objects.filter(pk=pk).update(**plain)
    return report


_CURRENT = object()


def _recover(token: str, current: cryptography.fernet.Fernet, old: cryptography.fernet.MultiFernet):
    """_CURRENT if the primary key made ``token``, its plaintext if an old key did, else None."""
    try:
        current.decrypt(token.encode("utf-8"))
        return _CURRENT
    except cryptography.fernet.InvalidToken:
        pass
    try:
        return old.decrypt(token.encode("utf-8")).decode("utf-8")
    except cryptography.fernet.InvalidToken:
        return None


def _stored_tokens():
    """(pk, name, {field: ciphertext}) per account, read raw so no field decrypts anything on the way."""
    meta = EcAccount._meta
    quote = connection.ops.quote_name
    columns = [column_of(concrete_field(EcAccount, name)) for name in SECRET_FIELDS]
    sql = "SELECT {}, {}, {} FROM {} ORDER BY {}".format(
        quote(column_of(meta.pk)), quote(column_of(concrete_field(EcAccount, "name"))),
        ", ".join(quote(c) for c in columns),
        quote(meta.db_table), quote(column_of(meta.pk)),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        rows = cursor.fetchall()
    for pk, name, *tokens in rows:
        stored = {f: (t.decode("utf-8") if isinstance(t, bytes) else t) for f, t in zip(SECRET_FIELDS, tokens,
                                                                                    strict=True)}
        yield pk, name, {f: t for f, t in stored.items() if t}
