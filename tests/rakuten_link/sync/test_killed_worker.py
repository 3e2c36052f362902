"""A job whose worker is killed with SIGKILL: the next run starts within a minute and closes the dead run.

Real processes: `manage.py rakuten_sync license` runs in a child process against the sandbox (which is
made slow, so the child is caught mid-call), on a SQLite file of its own, and is killed with SIGKILL.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from tests.conftest import DEMO_LICENSE, DEMO_SECRET

ROOT = Path(__file__).resolve().parents[3]
LEASE_SECONDS = 3


def _env(tmp_path: Path, sandbox_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(DJANGO_SETTINGS_MODULE="config.test_settings", DATABASE_URL=f"sqlite:///{tmp_path / 'kill.sqlite3'}",
               RAKUTEN_LINK_VAR_DIR=str(tmp_path), RMS_API_BASE_URL=sandbox_url,
               RAKUTEN_LEASE_SECONDS=str(LEASE_SECONDS), EMAIL_URL="consolemail://")
    return env


def _manage(env, *args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)


def _rows(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db, timeout=20) as conn:
        return conn.execute(sql).fetchall()


@pytest.fixture
def child_env(tmp_path, sandbox):
    sandbox.state.add_credential(DEMO_SECRET, DEMO_LICENSE, "000001", timezone.now() + timedelta(days=60))
    env = _env(tmp_path, sandbox.url)
    assert _manage(env, "migrate", "--noinput", "-v", "0").returncode == 0
    made = _manage(env, "shell", "-c", "from accounts.models import EcAccount; EcAccount.objects.create("
                   f"name='kill', shop_url='https://www.rakuten.co.jp/kill/', service_secret='{DEMO_SECRET}', "
                   f"license_key='{DEMO_LICENSE}', alert_email='a@example.com')")
    assert made.returncode == 0, made.stderr[-2000:]
    return env, tmp_path / "kill.sqlite3"


def test_after_sigkill_a_run_that_is_not_skipped_follows_within_a_minute(child_env, sandbox):
    env, db = child_env
    sandbox.state.config.latency_ms = 30_000
    child = subprocess.Popen([sys.executable, "manage.py", "rakuten_sync", "license", "--account", "kill"],
                             cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not (_rows(db, "SELECT id FROM rakuten_link_syncrun "
                                                              "WHERE status='running'")
                                                   and _rows(db, "SELECT id FROM rakuten_link_joblease")):
            time.sleep(0.2)
        time.sleep(LEASE_SECONDS)  # the child is alive and beating: its lease outlives one period
        assert _rows(db, "SELECT count(*) FROM rakuten_link_joblease") == [(1,)]
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(10)
    killed_at = time.monotonic()
    sandbox.state.config.latency_ms = 0

    outputs = []
    while time.monotonic() - killed_at < 60:
        result = _manage(env, "rakuten_sync", "license", "--account", "kill")
        outputs.append(result.stdout.strip())
        if result.returncode == 0 and "skipped" not in result.stdout:
            break
        time.sleep(0.5)
    waited = time.monotonic() - killed_at
    assert "license success" in outputs[-1] and waited < 60, outputs
    statuses = _rows(db, "SELECT status, error FROM rakuten_link_syncrun WHERE status != 'skipped' ORDER BY id")
    assert [s for s, _ in statuses] == ["failed", "success"]
    assert _rows(db, "SELECT count(*) FROM rakuten_link_alertlog WHERE kind='job_abandoned'") == [(1,)]
