"""HTTPS settings from the environment: `check --deploy` is clean in production, the demo keeps plain HTTP.

The settings module is run in a subprocess (as in tests/accounts/test_encryption_key_setting.py), because
each of these settings is read once, from the environment, when the settings are imported.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from config.settings import _proxy_ssl_header

ROOT = Path(__file__).resolve().parents[2]
SECRET_KEY = "a-production-secret-key-of-more-than-fifty-characters-0123456789"
FERNET_KEY = "dA4_VW8HacCbBIqILOZmY5g5bMD1tZ_56Fpr1krz7N8="
# What the README's Production section tells a deployment behind a TLS proxy to set.
PRODUCTION = {
    "DEBUG": "False",
    "SECRET_KEY": SECRET_KEY,
    "FIELD_ENCRYPTION_KEY": FERNET_KEY,
    "ALLOWED_HOSTS": "backoffice.example.com",
    "SECURE_SSL_REDIRECT": "True",
    "SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO",
}
HTTPS_WARNINGS = ("security.W004", "security.W008", "security.W012", "security.W016")
SETTINGS = ("SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_HSTS_SECONDS", "SECURE_SSL_REDIRECT",
            "SECURE_PROXY_SSL_HEADER", "AXES_FAILURE_LIMIT", "AXES_COOLOFF_TIME")
PRINT_SETTINGS = (
    "import json, django; django.setup(); from django.conf import settings; "
    f"print(json.dumps({{name: getattr(settings, name) for name in {SETTINGS!r}}}, default=str))"
)


def _env(tmp_path, values: dict) -> dict:
    """The machine's environment without our settings, plus ``values``: nothing leaks in from the test run."""
    ours = {"DJANGO_SETTINGS_MODULE", "FIELD_ENCRYPTION_KEY", "SECRET_KEY", "DEBUG", *SETTINGS}
    env = {k: v for k, v in os.environ.items() if k not in ours and not k.startswith(("SECURE_", "AXES_"))}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", RAKUTEN_LINK_VAR_DIR=str(tmp_path),
               DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", **values)
    return env


def _check_deploy(tmp_path, **values) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", "check", "--deploy"], cwd=ROOT,
                          env=_env(tmp_path, values), capture_output=True, text=True)


def _settings(tmp_path, **values) -> dict:
    result = subprocess.run([sys.executable, "-c", PRINT_SETTINGS], cwd=ROOT, env=_env(tmp_path, values),
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_check_deploy_raises_no_https_warning_with_the_production_environment(tmp_path):
    result = _check_deploy(tmp_path, **PRODUCTION)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert [code for code in HTTPS_WARNINGS if code in output] == []


def test_without_debug_cookies_are_secure_and_hsts_is_on_by_default(tmp_path):
    result = _check_deploy(tmp_path, DEBUG="False", SECRET_KEY=SECRET_KEY, FIELD_ENCRYPTION_KEY=FERNET_KEY)
    output = result.stdout + result.stderr
    assert [code for code in ("security.W004", "security.W012", "security.W016") if code in output] == []
    assert "security.W008" in output  # the redirect is left to the proxy unless switched on (README)


def test_the_demo_with_debug_keeps_working_over_plain_http(tmp_path):
    values = _settings(tmp_path, DEBUG="True")
    assert values["SESSION_COOKIE_SECURE"] is False and values["CSRF_COOKIE_SECURE"] is False
    assert values["SECURE_SSL_REDIRECT"] is False and values["SECURE_HSTS_SECONDS"] == 0


def test_every_switch_is_read_from_the_environment(tmp_path):
    values = _settings(tmp_path, **PRODUCTION, SESSION_COOKIE_SECURE="False", CSRF_COOKIE_SECURE="False",
                       SECURE_HSTS_SECONDS="60", AXES_FAILURE_LIMIT="3", AXES_COOLOFF_MINUTES="2")
    assert values["SESSION_COOKIE_SECURE"] is False and values["CSRF_COOKIE_SECURE"] is False
    assert values["SECURE_HSTS_SECONDS"] == 60 and values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["AXES_FAILURE_LIMIT"] == 3 and values["AXES_COOLOFF_TIME"] == "0:02:00"


def test_the_proxy_header_accepts_the_meta_name_or_the_header_name():
    assert _proxy_ssl_header("") is None
    assert _proxy_ssl_header("HTTP_X_FORWARDED_PROTO") == ("HTTP_X_FORWARDED_PROTO", "https")
    assert _proxy_ssl_header("X-Forwarded-Ssl,on") == ("HTTP_X_FORWARDED_SSL", "on")
