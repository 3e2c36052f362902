"""With DEBUG off the settings refuse the placeholder secrets of .env.example instead of starting on them.

``SECRET_KEY=change-me`` signs sessions and password-reset links: started in production it lets anyone who
read .env.example forge them. A FIELD_ENCRYPTION_KEY that is not a Fernet key (a placeholder such as
NEW_KEY from the rotation steps) would only fail at the first credential saved. The settings module is run
in a subprocess, as in test_deploy_settings.py: these values are read once, when the settings are imported.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.placeholders import refuse_placeholder_secret_key, refuse_unusable_fernet_keys

ROOT = Path(__file__).resolve().parents[2]
SECRET_KEY = "a-production-secret-key-of-more-than-fifty-characters-0123456789"
FERNET_KEY = "dA4_VW8HacCbBIqILOZmY5g5bMD1tZ_56Fpr1krz7N8="


def _example(name: str) -> str:
    """The value .env.example gives ``name`` (what a copied file starts with)."""
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line.startswith(f"{name}="):
            return line.split("=", 1)[1]
    raise AssertionError(f"{name} is not in .env.example")


def _check(tmp_path, **values) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "SECRET_KEY", "DEBUG",
                                                             "FIELD_ENCRYPTION_KEY")}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", RAKUTEN_LINK_VAR_DIR=str(tmp_path),
               DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", **values)
    return subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True)


def test_the_example_secret_key_stops_the_start_when_debug_is_off(tmp_path):
    result = _check(tmp_path, DEBUG="False", SECRET_KEY=_example("SECRET_KEY"), FIELD_ENCRYPTION_KEY=FERNET_KEY)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "SECRET_KEY is a placeholder" in result.stderr


def test_a_placeholder_encryption_key_stops_the_start_when_debug_is_off(tmp_path):
    result = _check(tmp_path, DEBUG="False", SECRET_KEY=SECRET_KEY, FIELD_ENCRYPTION_KEY=f"{FERNET_KEY},OLD_KEY")
    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEY" in result.stderr and "not a Fernet key" in result.stderr
    assert FERNET_KEY not in result.stderr  # a real key is never printed


def test_the_example_values_pass_with_debug_and_real_values_pass_without(tmp_path):
    demo = _check(tmp_path, DEBUG="True", SECRET_KEY=_example("SECRET_KEY"), FIELD_ENCRYPTION_KEY=FERNET_KEY)
    assert demo.returncode == 0, demo.stderr
    production = _check(tmp_path, DEBUG="False", SECRET_KEY=SECRET_KEY, FIELD_ENCRYPTION_KEY=FERNET_KEY)
    assert production.returncode == 0, production.stderr


@pytest.mark.parametrize("value", ["change-me", "CHANGE_ME", " changeme ", "django-insecure-abc123",
                                   "dev-insecure-secret-key-do-not-use-in-production", "your-secret-key"])
def test_known_placeholder_secret_keys_are_refused(value):
    with pytest.raises(ImproperlyConfigured):
        refuse_placeholder_secret_key(value)


def test_a_real_secret_key_is_accepted():
    refuse_placeholder_secret_key(SECRET_KEY)
    refuse_placeholder_secret_key("test-secret-key")


@pytest.mark.parametrize("keys", [["change-me"], ["NEW_KEY", FERNET_KEY], [FERNET_KEY, "OLD_KEY"], ["x" * 44]])
def test_keys_that_are_not_fernet_keys_are_refused(keys):
    with pytest.raises(ImproperlyConfigured) as info:
        refuse_unusable_fernet_keys(keys)
    assert FERNET_KEY not in str(info.value)


def test_fernet_keys_are_accepted():
    refuse_unusable_fernet_keys([FERNET_KEY])
    refuse_unusable_fernet_keys(FERNET_KEY)


def test_every_secret_in_env_example_is_refused_without_debug():
    """A placeholder added to .env.example later is covered too: a copied file must not start in production."""
    refused = 0
    for name, check in (("SECRET_KEY", refuse_placeholder_secret_key),
                        ("FIELD_ENCRYPTION_KEY", refuse_unusable_fernet_keys)):
        value = _example(name)
        if not value:
            continue  # empty: the settings refuse a missing value already (test_encryption_key_setting.py)
        with pytest.raises(ImproperlyConfigured):
            check(value)
        refused += 1
    assert refused >= 1
