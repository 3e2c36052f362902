"""The registry of jobs: each kind → its function, imported directly, and the account switch that turns it on.

Direct imports make a missing or misspelt job an ImportError at start-up instead of a job that is
silently never run. Every ``JobKind`` is either in ``JOBS`` or in ``NOT_BUILT``; ``registry_errors``
(run as a Django system check, see ``rakuten_link.checks``) fails when one is in neither.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from accounts.models import EcAccount
from rakuten_link.listing.prices import push_prices
from rakuten_link.models import JobKind, SyncRun
from rakuten_link.shipping.report.report import report_shipments
from rakuten_link.sync.catalogue.pull import pull_catalogue
from rakuten_link.sync.inventory.push import push_inventory
from rakuten_link.sync.license import check_license
from rakuten_link.sync.messages.send import send_messages
from rakuten_link.sync.orders.fetch import fetch_orders, refresh_open_orders
from rakuten_link.sync.runner import JobFunction, run_job
from rakuten_link.sync.verify import verify_mappings

JOBS: dict[str, JobFunction] = {
    JobKind.ORDERS: fetch_orders,
    JobKind.OPEN_ORDERS: refresh_open_orders,
    JobKind.INVENTORY: push_inventory,
    JobKind.SHIPMENTS: report_shipments,
    JobKind.MESSAGES: send_messages,
    JobKind.MAPPINGS: verify_mappings,
    JobKind.LICENSE: check_license,
    JobKind.CATALOGUE: pull_catalogue,
    JobKind.PRICES: push_prices,
}

# Kinds that have a name, a switch and a schedule slot but no function in this version yet.
NOT_BUILT: frozenset[str] = frozenset()

# The account field that turns a scheduled job on; jobs not listed always run.
JOB_SWITCHES: dict[str, str] = {
    JobKind.ORDERS: "job_fetch_orders",
    JobKind.OPEN_ORDERS: "job_fetch_orders",
    JobKind.INVENTORY: "job_push_inventory",
    JobKind.SHIPMENTS: "job_report_shipments",
}


class JobNotAvailable(ValueError):
    """The kind is known but not built in this version, or not known at all."""


def registry_errors() -> list[str]:
    """Every kind must have a callable function or be declared not built; say which do not."""
    errors = []
    for kind in JobKind:
        job = JOBS.get(kind)
        if kind in NOT_BUILT:
            if job is not None:
                errors.append(f"job {kind.value!r} has a function but is still declared NOT_BUILT")
        elif job is None or not callable(job):
            errors.append(f"job {kind.value!r} has no function in rakuten_link.sync.jobs.JOBS")
    return errors


def available_jobs() -> list[str]:
    return [kind.value for kind in JobKind if kind in JOBS]


def accounts_for(kind: str) -> QuerySet:
    """Accounts whose scheduled run of ``kind`` is due: switched on and not paused."""
    accounts = EcAccount.objects.filter(jobs_paused=False)
    switch = JOB_SWITCHES.get(kind)
    if switch:
        accounts = accounts.filter(**{switch: True})
    return accounts.order_by("pk")


def job_for(kind: str) -> JobFunction:
    """The function of ``kind``; a clear JobNotAvailable for a kind not built yet or unknown."""
    job = JOBS.get(kind)
    if job is not None:
        return job
    if kind in NOT_BUILT:
        raise JobNotAvailable(_("job '%(kind)s' is not built in this version yet") % {"kind": str(kind)})
    raise JobNotAvailable(
        _("unknown job '%(kind)s'; available: %(jobs)s") % {"kind": str(kind), "jobs": ", ".join(available_jobs())}
    )


def run_account_job(account: EcAccount, kind: str, *, lease_seconds: float | None = None, **options) -> SyncRun:
    return run_job(account, kind, job_for(kind), lease_seconds=lease_seconds, **options)
