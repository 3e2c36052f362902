"""The every-minute push looks only at what changed since its last run; the hourly one compares everything.

The event-driven push (pending.py) carries each stock movement within seconds; the scheduled run is the net
under it. Comparing every mapping each minute made that net cost grow with the shop (6.9 s of local time at
200,000 mappings for a run that found nothing), so the minute run takes only the mappings whose own row, or
whose SKU's stock in one of the account's stores, was written since its last successful run began (less
``OVERLAP``), plus the SKUs waiting for the event push. Both lookups are index range scans
(``StockLevel.updated_at``, ``ProductMapping(account, updated_at)``): a run that finds nothing costs a few
queries whatever the number of mappings.

What this cannot see — a change whose write stayed uncommitted for longer than ``OVERLAP`` (the event push
still carries it), a stock row deleted, a value written without its timestamp — the hourly run with
``compare_all`` finds, as the minute run did before, and the drift check compares with Rakuten itself. A
change to the account (its safety stock, its stores) makes the next run compare everything, and so does
the first run of an account.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import QuerySet

from accounts.models import EcAccount
from inventory.models import StockLevel
from rakuten_link.models import JobKind, ProductMapping, SyncCursor

# Rows written up to this long before the last run began are looked at again: a transaction committed
# after that run read the tables (a long stock upload) is still seen by the next one.
OVERLAP = timedelta(minutes=10)
MOST_CHANGED = 10_000  # more changed rows than this: compare every mapping (fewer, larger queries)
IN_CHUNK = 500


def changes_since(account: EcAccount) -> datetime | None:
    """Where the minute run starts looking; None = compare everything (first run, or the account changed)."""
    position = SyncCursor.objects.filter(account=account, kind=JobKind.INVENTORY).values_list(
        "position", flat=True).first()
    if position is None:
        return None
    since = position - OVERLAP
    return None if account.updated_at >= since else since


def changed_mappings(account: EcAccount, since: datetime, pending: QuerySet) -> list[int] | None:
    """Keys of the account's mappings edited, or whose SKU's stock was written, since ``since``, or pending;
    None when more than ``MOST_CHANGED`` rows changed (a stocktake): then every mapping is compared.

    Each set is read on its own, by the index that fits it: one query joining them all made SQLite walk every
    mapping of the account.
    """
    stores = set(account.stores.values_list("pk", flat=True))
    written = StockLevel.objects.filter(updated_at__gte=since).order_by().values_list("sku_id", "store_id")
    skus = {sku for sku, store in written if store in stores}
    skus.update(pending.values_list("sku_id", flat=True))
    edited = ProductMapping.objects.filter(account=account, updated_at__gte=since).order_by()
    ids = set(edited.values_list("pk", flat=True))
    if len(skus) + len(ids) > MOST_CHANGED:
        return None
    ordered = sorted(skus)
    for start in range(0, len(ordered), IN_CHUNK):
        ids.update(ProductMapping.objects.filter(account=account, sku_id__in=ordered[start:start + IN_CHUNK])
                   .order_by().values_list("pk", flat=True))
    return sorted(ids)


def record_run(account: EcAccount, started: datetime) -> None:
    """Every mapping was looked at as of ``started`` (a full comparison, or every change before it)."""
    SyncCursor.objects.update_or_create(account=account, kind=JobKind.INVENTORY, defaults={"position": started})
