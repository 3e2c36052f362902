"""The Fernet key(s) that encrypt the RMS credentials and the SMTP password at rest."""

from __future__ import annotations

import logging
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger("config")


def field_encryption_key(key: str, *, debug: bool, var_dir: Path) -> str | list[str]:
    """Credentials are Fernet-encrypted; without the key nothing stored can be read back.

    Several comma-separated keys become a list: the first encrypts, every one decrypts (so a rotation can
    run with the new key first and the old one after it, then rotate_encryption_key). In development a
    generated key is kept in var/ so the web process and the workers share it.
    """
    if "," in key:
        return [part.strip() for part in key.split(",") if part.strip()]
    if key:
        return key
    if not debug:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEY must be set when DEBUG is off: it encrypts the RMS credentials at rest. "
            'Generate one with: python -c "from cryptography.fernet import Fernet; '
            'print(Fernet.generate_key().decode())"'
        )
    key_file = var_dir / "dev-field-encryption.key"
    if not key_file.exists():
        from cryptography.fernet import Fernet

        key_file.write_text(Fernet.generate_key().decode())
        key_file.chmod(0o600)
    logger.warning("FIELD_ENCRYPTION_KEY is not set; using the development key in %s.", key_file)
    return key_file.read_text().strip()
