"""Encrypted credential fields that refuse to turn a failed decryption into a value.

django-encrypted-model-fields returns the ciphertext itself when the configured FIELD_ENCRYPTION_KEY
cannot decrypt a column (it swallows ``InvalidToken``). The jobs then sent that ciphertext to RMS as
the serviceSecret, got a 401 and paused the account with a misleading alert, and the next save of the
account form encrypted the ciphertext again, so restoring the right key no longer helped.

``SecretField`` loads such a column as an ``UnreadableSecret`` instead: an object that keeps the
stored ciphertext, writes it back byte-for-byte when the row is saved, and raises ``SecretUnreadable``
as soon as anything tries to use it as text (an RMS header, a log line, a template).
"""

from __future__ import annotations

from typing import Any

import cryptography.fernet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from encrypted_model_fields import fields as encrypted_fields
from encrypted_model_fields.fields import EncryptedCharField

MASK = "••••••"
CREDENTIAL_FIELDS = ("service_secret", "license_key")
SECRET_FIELDS = ("service_secret", "license_key", "smtp_password")

UNREADABLE_REASON = gettext_lazy(
    "The stored credentials cannot be decrypted with the current FIELD_ENCRYPTION_KEY: restore the previous "
    "key or type the credentials again."
)


class SecretUnreadable(Exception):
    """A stored secret could not be decrypted with the key in force; the message never holds a value."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or str(UNREADABLE_REASON))


class UnreadableSecret:
    """Stands in for a secret the current key cannot decrypt: never a value, kept unchanged on save."""

    __slots__ = ("ciphertext",)

    def __init__(self, ciphertext: str) -> None:
        self.ciphertext = ciphertext

    def __str__(self) -> str:
        raise SecretUnreadable()

    def __format__(self, spec: str) -> str:
        raise SecretUnreadable()

    def __repr__(self) -> str:
        return "<UnreadableSecret>"

    def __bool__(self) -> bool:
        return True

    def __eq__(self, other: object) -> bool:
        if isinstance(other, UnreadableSecret):
            return other.ciphertext == self.ciphertext
        return NotImplemented

    def __hash__(self) -> int:
        return hash(("UnreadableSecret", self.ciphertext))


def decrypt(token: str) -> str:
    """Decrypt with the keys in force; ``InvalidToken`` when none of them made ``token``."""
    return encrypted_fields.CRYPTER.decrypt(token.encode("utf-8")).decode("utf-8")


class SecretField(EncryptedCharField):
    """An EncryptedCharField whose failed decryption is an ``UnreadableSecret``, never the ciphertext."""

    def from_db_value(self, value: Any, *args: Any, **kwargs: Any) -> Any:
        if value is None:
            return value
        if isinstance(value, bytes):
            value = value.decode("utf-8")
        try:
            return decrypt(value)
        except cryptography.fernet.InvalidToken:
            return UnreadableSecret(value)

    def to_python(self, value: Any) -> Any:
        if isinstance(value, UnreadableSecret):
            return value
        return super().to_python(value)

    def clean(self, value: Any, model_instance: Any) -> Any:
        """Nothing to validate in a value nobody can read; it is kept exactly as stored."""
        if isinstance(value, UnreadableSecret):
            return value
        return super().clean(value, model_instance)

    def get_db_prep_save(self, value: Any, connection: Any) -> Any:
        """An unreadable secret goes back as the very ciphertext it came from, never re-encrypted."""
        if isinstance(value, UnreadableSecret):
            return value.ciphertext
        return super().get_db_prep_save(value, connection)

    def value_to_string(self, obj: Any) -> str:
        value = self.value_from_object(obj)
        if isinstance(value, UnreadableSecret):
            raise SecretUnreadable()
        return super().value_to_string(obj)


def is_unreadable(value: Any) -> bool:
    return isinstance(value, UnreadableSecret)


def unreadable_fields(account: Any, names: tuple[str, ...] = SECRET_FIELDS) -> list[str]:
    """The secret fields of ``account`` that the key in force cannot decrypt."""
    return [name for name in names if is_unreadable(getattr(account, name, None))]


def require_readable_credentials(account: Any) -> None:
    """Raise ``SecretUnreadable`` before anything could send an unreadable credential to RMS."""
    if unreadable_fields(account, CREDENTIAL_FIELDS):
        raise SecretUnreadable()


def masked(value: Any) -> str:
    """Enough to tell two keys apart, never enough to use one (and never the ciphertext)."""
    if is_unreadable(value):
        return _("cannot be decrypted with the current FIELD_ENCRYPTION_KEY")
    if not value:
        return ""
    return MASK + value[-3:] if len(value) > 8 else MASK
