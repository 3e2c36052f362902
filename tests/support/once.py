"""The PostgreSQL run keeps only the tests that touch a database; the rest run once, on the SQLite run.

``make test`` runs the suite on SQLite and again on PostgreSQL to catch what one database lets through and the
other refuses. A test that never opens a database connection (pure functions, file layout, carrier rows, a
demo script with its own SQLite) gives the same answer on both, so running it twice only costs time. A test
that may touch the database must ask for it (pytest-django refuses access otherwise), so the fixtures and
markers below are a complete list of the tests that do.
"""

from __future__ import annotations

from django.conf import settings

DATABASE_FIXTURES = {"db", "transactional_db", "live_server", "django_db_reset_sequences", "django_db_serialized_rollback"}


def touches_database(item) -> bool:
    return bool(DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))) or item.get_closest_marker("django_db")


def pytest_collection_modifyitems(config, items) -> None:
    if "postgresql" not in settings.DATABASES["default"]["ENGINE"]:
        return
    kept = [item for item in items if touches_database(item)]
    if len(kept) < len(items):
        config.hook.pytest_deselected(items=[item for item in items if not touches_database(item)])
        items[:] = kept
