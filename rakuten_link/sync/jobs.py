"""The registry of jobs: name → function, and which account switch turns each on."""

from __future__ import annotations

from accounts.models import EcAccount

from ..models import JobKind, SyncRun
from .license import check_license
from .runner import run_job

JOBS = {
    JobKind.LICENSE: check_license,
}

# The account field that turns a scheduled job on; jobs not listed always run.
JOB_SWITCHES = {
    JobKind.ORDERS: "job_fetch_orders",
    JobKind.OPEN_ORDERS: "job_fetch_orders",
    JobKind.INVENTORY: "job_push_inventory",
    JobKind.SHIPMENTS: "job_report_shipments",
}


def register_job(kind: str, function) -> None:
    JOBS[kind] = function


def accounts_for(kind: str):
    """Accounts whose scheduled run of ``kind`` is due: switched on and not paused."""
    accounts = EcAccount.objects.filter(jobs_paused=False)
    switch = JOB_SWITCHES.get(kind)
    if switch:
        accounts = accounts.filter(**{switch: True})
    return accounts.order_by("pk")


def run_account_job(account: EcAccount, kind: str, **options) -> SyncRun:
    try:
        job = JOBS[kind]
    except KeyError:
        raise ValueError(f"unknown job {kind!r}; known: {', '.join(sorted(JOBS))}") from None
    return run_job(account, kind, job, **options)
