"""The servers scripts/test.sh starts are really there, and each run really uses the database it names."""

from __future__ import annotations

import os

import pytest
from django.db import connection


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
