"""What to push: each verified mapping's sellable quantity, and which of them changed since the last push.

Mappings are read in keyset chunks and stock is summed per chunk in one query, so memory stays flat
and the query count grows with the number of batches, never with the number of mappings. Shared by
the push job (push.py) and the drift check's fix (drift.py).
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import QuerySet

from accounts.models import EcAccount
from inventory.services import available_by_sku
from rakuten_link.mappings.rules import effective_safety_stock, sellable_quantity
from rakuten_link.models import MappingStatus, ProductMapping
from rakuten_link.sync.inventory.batches import BatchPusher, PushRow

CHUNK = 2000
FIELDS = ("id", "manage_number", "variant_id", "sku_id", "safety_stock", "last_pushed_quantity")


def pushable_mappings(account: EcAccount) -> QuerySet:
    """Only verified mappings: an unverified key could create an orphan row in RMS (§3: upserts don't check)."""
    return ProductMapping.objects.filter(account=account, status=MappingStatus.OK).exclude(variant_id="")


def push_changed(
    account: EcAccount, mappings: QuerySet, pusher: BatchPusher, *, force: bool, flush: bool = True,
    ids: list[int] | None = None,
) -> tuple[int, int]:
    """Queue every mapping whose sellable quantity differs from the last pushed one; returns (seen, queued).

    ``ids``: only these of ``mappings`` (what changed since the last run, changes.py).
    """
    considered = changed = 0
    for row, quantity in sellable_quantities(account, mappings, ids=ids):
        considered += 1
        if force or quantity != row["last_pushed_quantity"]:
            changed += 1
            pusher.add(PushRow(row["id"], row["manage_number"], row["variant_id"], quantity))
    if flush:
        pusher.flush()
    return considered, changed


def sellable_quantities(account: EcAccount, mappings: QuerySet, *, ids: list[int] | None = None
                        ) -> Iterator[tuple[dict, int]]:
    """(mapping row, sellable quantity) for each mapping: one mapping query and one Σ query per chunk."""
    store_ids = list(account.stores.values_list("pk", flat=True))
    chunks = iter_chunks(mappings, FIELDS) if ids is None else iter_id_chunks(mappings, ids, FIELDS)
    for chunk in chunks:
        totals = available_by_sku(sku_ids={row["sku_id"] for row in chunk}, store_ids=store_ids) if store_ids else {}
        for row in chunk:
            safety = effective_safety_stock(row["safety_stock"], account.safety_stock)
            yield row, sellable_quantity(totals.get(row["sku_id"], 0), safety)


def iter_id_chunks(queryset: QuerySet, ids: list[int], fields: tuple[str, ...], size: int = CHUNK
                   ) -> Iterator[list[dict]]:
    """The rows of ``queryset`` among ``ids``, a chunk of keys at a time (looked up by key, not walked in order:
    with ``pk > last`` beside the IN list SQLite walked every mapping of the account)."""
    ordered = sorted(ids)
    for start in range(0, len(ordered), size):
        chunk = list(queryset.filter(pk__in=ordered[start:start + size]).order_by("pk").values(*fields))
        if chunk:
            yield chunk


def iter_chunks(queryset: QuerySet, fields: tuple[str, ...], size: int = CHUNK) -> Iterator[list[dict]]:
    """Keyset pagination by primary key: unlike OFFSET, rows updated meanwhile are neither skipped nor repeated."""
    last_id = 0
    while True:
        chunk = list(queryset.filter(pk__gt=last_id).order_by("pk").values(*fields)[:size])
        if not chunk:
            return
        yield chunk
        last_id = chunk[-1]["id"]
