"""A stand-in for the cluster's workers in tests: take the queued tasks of one function off the queue and run
them once each, in order, as a worker would."""

from __future__ import annotations

from collections.abc import Callable

from django_q.models import OrmQ


def run_queued_tasks(func: str, call: Callable[..., str]) -> list[str]:
    """Run every queued task naming ``func`` (its dotted path) through ``call``; other tasks stay queued."""
    results = []
    for queued in OrmQ.objects.order_by("pk"):
        task = queued.task
        if task.get("func") == func:
            queued.delete()
            results.append(call(*task["args"]))
    return results
