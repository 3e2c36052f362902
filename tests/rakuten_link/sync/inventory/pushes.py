"""A stand-in for the cluster's workers in tests: the queued push tasks, and running them as a worker would."""

from __future__ import annotations

from django_q.models import OrmQ

from rakuten_link.sync.inventory.pending import PUSH_TASK
from rakuten_link.tasks import push_pending
from tests.support.queue import run_queued_tasks


def queued_pushes() -> list[int]:
    return sorted(q.task["args"][0] for q in OrmQ.objects.all() if q.task.get("func") == PUSH_TASK)


def run_queued() -> list[str]:
    """What a worker does: take each queued push task off the queue and run it (once)."""
    return run_queued_tasks(PUSH_TASK, push_pending)
