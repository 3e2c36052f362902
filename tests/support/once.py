"""``make test`` runs each test once where running it twice would prove nothing new.

``make test`` runs the suite on SQLite and on PostgreSQL at once (scripts/test.sh sets RAKUTEN_TEST_SPLIT) to
catch what one database lets through and the other refuses. Two kinds of test gain nothing from the second run:

- a test that never opens a database connection (pure functions, file layout, carrier rows, the RMS client
  against the sandbox, a demo script with its own SQLite) gives the same answer on both: it runs on SQLite;
- a browser test drives the admin through Chromium; its database work is the same ORM code the other tests run
  on both databases, and it is the slowest kind: it runs once, on PostgreSQL, the production database.

A test that may touch the database must ask for it (pytest-django refuses access otherwise), so the fixtures and
marker below are a complete list of the tests that do. Run pytest directly and every test runs.
"""

from __future__ import annotations

import os

from django.conf import settings

DATABASE_FIXTURES = {"db", "transactional_db", "live_server", "django_db_reset_sequences",
                     "django_db_serialized_rollback"}
BROWSER_FIXTURE = "browser"  # tests/e2e/conftest.py: Chromium through Playwright


def touches_database(item) -> bool:
    return bool(DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))) or bool(
        item.get_closest_marker("django_db"))


def runs_here(item, *, on_postgres: bool) -> bool:
    if BROWSER_FIXTURE in getattr(item, "fixturenames", ()):
        return on_postgres
    return touches_database(item) or not on_postgres


def pytest_collection_modifyitems(config, items) -> None:
    if not os.environ.get("RAKUTEN_TEST_SPLIT"):
        return
    on_postgres = "postgresql" in settings.DATABASES["default"]["ENGINE"]
    kept = [item for item in items if runs_here(item, on_postgres=on_postgres)]
    if len(kept) < len(items):
        config.hook.pytest_deselected(items=[item for item in items if not runs_here(item, on_postgres=on_postgres)])
        items[:] = kept
