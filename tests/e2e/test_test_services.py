"""The servers scripts/test.sh starts are really there, and each run really uses the database it names."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from tests.support.services import worker_redis_url

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_the_suite_runs_on_the_database_that_database_url_names():
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        assert connection.vendor == "sqlite"
    elif url.startswith(("postgres://", "postgresql://", "pgsql://")):
        assert connection.vendor == "postgresql"
    else:
        pytest.skip(f"DATABASE_URL names neither SQLite by default nor PostgreSQL: {url.split(':')[0]}")


@pytest.mark.postgres
def test_the_postgres_server_accepts_connections(postgres_url):
    import psycopg

    with psycopg.connect(postgres_url, connect_timeout=5) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)


@pytest.mark.redis
def test_the_redis_server_answers(redis_url):
    import redis

    client = redis.Redis.from_url(redis_url, socket_timeout=5)
    assert client.ping()
    client.close()


def test_each_xdist_worker_gets_a_redis_database_of_its_own():
    """scripts/test.sh gives each run a block of Redis databases; worker gwN takes the block's N-th."""
    assert worker_redis_url("redis://127.0.0.1:6379/0", None) == "redis://127.0.0.1:6379/0"
    assert worker_redis_url("redis://127.0.0.1:6379/0", "gw1") == "redis://127.0.0.1:6379/1"
    assert worker_redis_url("redis://127.0.0.1:6379/64", "gw2") == "redis://127.0.0.1:6379/66"
    assert worker_redis_url("redis://127.0.0.1:6379", "gw3") == "redis://127.0.0.1:6379/3"


def test_each_xdist_worker_has_a_var_directory_and_a_sqlite_file_of_its_own(tmp_path):
    code = ("import django; django.setup(); from django.conf import settings; "
            "print(settings.VAR_DIR); print(settings.DATABASES['default']['TEST']['NAME'])")
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(DJANGO_SETTINGS_MODULE="config.test_settings", RAKUTEN_LINK_VAR_DIR=str(tmp_path),
               PYTEST_XDIST_WORKER="gw3")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]
    var_dir, test_db = result.stdout.split()
    assert Path(var_dir) == tmp_path / "gw3" and Path(var_dir).is_dir()
    assert Path(test_db).parent == tmp_path / "gw3"
