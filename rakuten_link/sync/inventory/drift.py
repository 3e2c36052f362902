"""Drift check: does Rakuten still hold what we last pushed? (`rakuten_sync inventory --check [--fix]`)

Rakuten's count changes without us: buyers' orders decrement it, staff edit it in RMS. The check reads
Rakuten's quantities back with inventories.bulk.get (≤1,000 pairs per call), stores each one on its
mapping, and writes a DriftReport; with ``fix`` the differing mappings get our current sellable
quantity pushed (ABSOLUTE), through the same batch pusher as every other push.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import EcAccount
from lib.fastwrite import set_by_id
from rakuten_link.models import DriftReport, ProductMapping
from rakuten_link.rms import RmsClient
from rakuten_link.rms.api_catalog import INVENTORY_GET_BATCH
from rakuten_link.sync.inventory.batches import BatchPusher
from rakuten_link.sync.inventory.sellable import iter_chunks, push_changed, pushable_mappings
from rakuten_link.sync.runner import JobResult

REPORT_ROWS = 500  # kept in the report; the counts cover everything
FIELDS = ("id", "manage_number", "variant_id", "last_pushed_quantity", "sku__code")


def check_drift(*, account: EcAccount, client: RmsClient, run, fix: bool = False) -> JobResult:
    report = DriftReport(account=account, sync_run=run)
    pusher = BatchPusher(client, record_rakuten=True) if fix else None
    checked = pushable_mappings(account).filter(last_pushed_quantity__isnull=False)
    for chunk in iter_chunks(checked, FIELDS, size=INVENTORY_GET_BATCH):
        differing_ids = _compare_chunk(client, chunk, report)
        if pusher is not None and differing_ids:
            push_changed(account, ProductMapping.objects.filter(pk__in=differing_ids), pusher, force=True, flush=False)
    if pusher is not None:
        pusher.flush()
        report.fixed = pusher.stats.pushed
    report.save()
    counts = {"checked": report.checked, "differing": report.differing, "missing": report.missing,
              "fixed": report.fixed, "rejected": pusher.stats.rejected if pusher else 0}
    summary = _(
        "%(checked)d checked, %(differing)d differ from Rakuten (%(missing)d missing), %(fixed)d fixed"
    ) % counts
    return JobResult(summary=summary, counts=counts)


def _compare_chunk(client: RmsClient, chunk: list[dict], report: DriftReport) -> list[int]:
    """One bulk.get for ≤1,000 mappings; records what Rakuten holds and returns the differing ids."""
    records = client.bulk_get_inventories([(row["manage_number"], row["variant_id"]) for row in chunk])
    theirs = {(r.manage_number.lower(), r.variant_id): r.quantity for r in records}
    now = timezone.now()
    differing, reads = [], {}
    for row in chunk:
        quantity = reads[row["id"]] = theirs.get((row["manage_number"], row["variant_id"]))
        report.checked += 1
        if quantity == row["last_pushed_quantity"]:
            continue
        differing.append(row["id"])
        report.differing += 1
        report.missing += quantity is None
        if len(report.rows) < REPORT_ROWS:
            report.rows.append({
                "mapping_id": row["id"], "manage_number": row["manage_number"], "variant_id": row["variant_id"],
                "sku": row["sku__code"], "pushed": row["last_pushed_quantity"], "rakuten": quantity,
            })
    set_by_id(ProductMapping, reads, columns=("rakuten_quantity",), also={"rakuten_read_at": now})
    return differing
