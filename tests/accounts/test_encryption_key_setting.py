"""Without FIELD_ENCRYPTION_KEY production refuses to start; development falls back to a kept local key."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _check(tmp_path, **env_overrides):
    env = {k: v for k, v in os.environ.items() if k not in ("FIELD_ENCRYPTION_KEY", "DJANGO_SETTINGS_MODULE")}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", SECRET_KEY="x", RAKUTEN_LINK_VAR_DIR=str(tmp_path),
               DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", **env_overrides)
    return subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True)


def test_production_without_the_key_stops_with_a_clear_message(tmp_path):
    result = _check(tmp_path, DEBUG="False")
    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEY must be set" in result.stderr


def test_development_generates_and_keeps_a_key_with_a_warning(tmp_path):
    first = _check(tmp_path, DEBUG="True")
    assert first.returncode == 0, first.stderr
    assert "FIELD_ENCRYPTION_KEY is not set" in first.stderr
    key = (tmp_path / "dev-field-encryption.key").read_text()
    assert _check(tmp_path, DEBUG="True").returncode == 0
    assert (tmp_path / "dev-field-encryption.key").read_text() == key


def test_several_comma_separated_keys_become_a_list_the_first_encrypting(tmp_path):
    from cryptography.fernet import Fernet

    new, old = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    env = {k: v for k, v in os.environ.items() if k not in ("FIELD_ENCRYPTION_KEY", "DJANGO_SETTINGS_MODULE")}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", SECRET_KEY="x", DEBUG="False",
               RAKUTEN_LINK_VAR_DIR=str(tmp_path), DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
               FIELD_ENCRYPTION_KEY=f"{new}, {old}")
    code = f"from django.conf import settings; print(settings.FIELD_ENCRYPTION_KEY == [{new!r}, {old!r}])"
    result = subprocess.run([sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=env,
                            capture_output=True, text=True)
    assert result.stdout.strip().splitlines()[-1] == "True", result.stderr[-1000:]
