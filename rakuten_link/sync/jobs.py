"""The registry of jobs: name → function (by dotted path), and which account switch turns each on."""

from __future__ import annotations

from functools import cache

from django.utils.module_loading import import_string

from accounts.models import EcAccount

from ..models import JobKind, SyncRun
from .runner import run_job

# Dotted paths keep this registry free of import cycles and let each job live in its own module.
JOB_PATHS = {
    JobKind.ORDERS: "rakuten_link.sync.orders.fetch_orders",
    JobKind.OPEN_ORDERS: "rakuten_link.sync.orders.refresh_open_orders",
    JobKind.INVENTORY: "rakuten_link.sync.inventory.push_inventory",
    JobKind.SHIPMENTS: "rakuten_link.sync.shipments.report_shipments",
    JobKind.MAPPINGS: "rakuten_link.sync.mappings.verify_mappings",
    JobKind.LICENSE: "rakuten_link.sync.license.check_license",
}

# The account field that turns a scheduled job on; jobs not listed always run.
JOB_SWITCHES = {
    JobKind.ORDERS: "job_fetch_orders",
    JobKind.OPEN_ORDERS: "job_fetch_orders",
    JobKind.INVENTORY: "job_push_inventory",
    JobKind.SHIPMENTS: "job_report_shipments",
}


@cache
def job_function(kind: str):
    """The job's function, or None when this version does not have it."""
    path = JOB_PATHS.get(kind)
    if path is None:
        return None
    try:
        return import_string(path)
    except ImportError:
        return None


def available_jobs() -> list[str]:
    return [kind.value for kind in JobKind if job_function(kind.value) is not None]


def accounts_for(kind: str):
    """Accounts whose scheduled run of ``kind`` is due: switched on and not paused."""
    accounts = EcAccount.objects.filter(jobs_paused=False)
    switch = JOB_SWITCHES.get(kind)
    if switch:
        accounts = accounts.filter(**{switch: True})
    return accounts.order_by("pk")


def run_account_job(account: EcAccount, kind: str, **options) -> SyncRun:
    job = job_function(kind)
    if job is None:
        raise ValueError(f"unknown job {kind!r}; available: {', '.join(available_jobs())}")
    return run_job(account, kind, job, **options)
