"""Secrets that must not reach production: the placeholders of .env.example and development keys.

The settings call these only when DEBUG is off (the demo and a developer's .env keep working). A copied
.env.example starts with ``SECRET_KEY=change-me``; anyone who read the example could then forge sessions and
password-reset links. A FIELD_ENCRYPTION_KEY that is not a Fernet key (a placeholder such as ``NEW_KEY`` from
the rotation steps) would only fail when the first credential is saved. Messages never repeat the value.
"""

from __future__ import annotations

import re

from django.core.exceptions import ImproperlyConfigured

# Compared lower-cased with spaces, hyphens and underscores removed: "change-me", "CHANGE_ME", "changeme".
PLACEHOLDER_SECRET_KEYS = frozenset({
    "changeme", "changethis", "secret", "secretkey", "yoursecretkey", "mysecretkey", "replaceme", "xxx",
    "devinsecuresecretkeydonotuseinproduction",  # config/settings.py's own development fallback
})
DEVELOPMENT_PREFIXES = ("django-insecure-",)  # what `django-admin startproject` writes


def _folded(value: str) -> str:
    return re.sub(r"[\s_-]", "", value).lower()


def refuse_placeholder_secret_key(value: str) -> None:
    if _folded(value) in PLACEHOLDER_SECRET_KEYS or value.strip().startswith(DEVELOPMENT_PREFIXES):
        raise ImproperlyConfigured(
            "SECRET_KEY is a placeholder (such as the change-me of .env.example) or a development key, and "
            "DEBUG is off. Set a long random value, e.g. the output of: "
            'python -c "from django.core.management.utils import get_random_secret_key; '
            'print(get_random_secret_key())"'
        )


def refuse_unusable_fernet_keys(keys: str | list[str]) -> None:
    """Every key of FIELD_ENCRYPTION_KEY must be a Fernet key (44 characters of url-safe base64)."""
    from cryptography.fernet import Fernet

    for position, key in enumerate([keys] if isinstance(keys, str) else keys, start=1):
        try:
            Fernet(key)
        except (ValueError, TypeError):
            raise ImproperlyConfigured(
                f"FIELD_ENCRYPTION_KEY: key {position} is not a Fernet key (a placeholder?), and DEBUG is off. "
                'Generate one with: python -c "from cryptography.fernet import Fernet; '
                'print(Fernet.generate_key().decode())"'
            ) from None
