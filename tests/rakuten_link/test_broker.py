"""Django-Q2 uses the database as its broker by default and Redis when REDIS_URL is set.

These run real processes: a real redis-server (started by the test setup) and a real qcluster,
each with its own SQLite file, so nothing here depends on the test database.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.test_settings",
        DATABASE_URL=f"sqlite:///{tmp_path / 'broker.sqlite3'}",
        RAKUTEN_LINK_VAR_DIR=str(tmp_path),
        **extra,
    )
    return env


def _manage(env, *args, timeout=120) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""


def _broker_name(env) -> str:
    return _manage(env, "shell", "-c", "from django_q.brokers import get_broker; print(type(get_broker()).__name__)")


def test_the_orm_broker_is_the_default(tmp_path):
    assert _broker_name(_env(tmp_path)).strip() == "ORM"


@pytest.mark.redis
def test_with_redis_url_a_real_cluster_takes_tasks_from_redis(tmp_path, redis_url):
    env = _env(tmp_path, REDIS_URL=redis_url)
    assert _broker_name(env).strip() == "Redis"
    _manage(env, "migrate", "--noinput", "-v", "0")
    _manage(env, "shell", "-c", "from django_q.tasks import async_task; "
            "async_task('rakuten_link.tasks.prune_logs', task_name='via-redis')")
    queued = _manage(env, "shell", "-c", "from django_q.brokers import get_broker; print(get_broker().queue_size())")
    assert queued.strip() == "1"

    cluster = subprocess.Popen([sys.executable, "manage.py", "qcluster"], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        result = ""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and "pruned" not in result:
            time.sleep(1)
            result = _manage(env, "shell", "-c", "from django_q.models import Success; "
                             "print(Success.objects.filter(name='via-redis').values_list('result', flat=True).first())")
        assert "pruned 0 runs" in result
    finally:
        cluster.terminate()
        try:
            cluster.wait(15)
        except subprocess.TimeoutExpired:
            cluster.kill()
