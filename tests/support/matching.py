"""The catalogue pull queues its matching as a task of its own: tests pull, then run it as a worker would."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from rakuten_link.sync.catalogue.pull import MATCH_TASK
from rakuten_link.tasks import match_catalogue
from tests.support.queue import run_queued_tasks


def run_queued_matching() -> list[str]:
    return run_queued_tasks(MATCH_TASK, match_catalogue)


def pull_and_match(account, capture_on_commit) -> list[str]:
    """``rakuten_sync catalogue`` with its commit hooks run (``django_capture_on_commit_callbacks``), then the
    matching task it queued."""
    with capture_on_commit(execute=True):
        call_command("rakuten_sync", "catalogue", "--account", account.name, stdout=StringIO())
    return run_queued_matching()
