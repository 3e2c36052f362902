"""Push inventory: Rakuten's stock becomes what we can really sell (design.md, "Stock semantics").

Modes, all through the job contract ``job(*, account, client, run, **options)``:
- scheduled (no option): every OK mapping whose sellable quantity differs from the last pushed one;
- ``pending_only``: the same, limited to SKUs whose stock moved (the debounced event-driven push);
- ``full``: every OK mapping, pushed whether it changed or not;
- ``check`` (``fix``): read Rakuten's quantities back and report the drift (see inventory_drift.py).

Mappings are read in keyset chunks and stock is summed per chunk in one query, so memory stays flat
and the query count grows with the number of batches, never with the number of mappings.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from accounts.models import EcAccount
from inventory.services import on_hand_by_sku

from ..mappings import effective_safety_stock, sellable_quantity
from ..models import MappingStatus, ProductMapping
from ..rms import RmsClient
from .inventory_batches import BatchPusher, PushRow
from .inventory_pending import claim_pending, claimed_sku_ids, release_claim
from .runner import JobResult

CHUNK = 2000
FIELDS = ("id", "manage_number", "variant_id", "sku_id", "safety_stock", "last_pushed_quantity")


def push_inventory(
    *,
    account: EcAccount,
    client: RmsClient,
    run,
    full: bool = False,
    check: bool = False,
    fix: bool = False,
    pending_only: bool = False,
    **_options,
) -> JobResult:
    if check:
        from .inventory_drift import check_drift

        return check_drift(account=account, client=client, run=run, fix=fix)
    token = claim_pending(account.pk)
    try:
        candidates = pushable_mappings(account)
        if pending_only:
            candidates = candidates.filter(sku_id__in=claimed_sku_ids(account.pk, token))
        pusher = BatchPusher(client)
        considered, changed = push_changed(account, candidates, pusher, force=full)
    except BaseException:
        release_claim(account.pk, token, done=False)
        raise
    release_claim(account.pk, token, done=True)
    stats = pusher.stats
    counts = {"considered": considered, "changed": changed, "pushed": stats.pushed,
              "rejected": stats.rejected, "calls": stats.calls}
    summary = _("%(pushed)d pushed, %(rejected)d rejected (of %(changed)d changed, %(considered)d checked)") % counts
    return JobResult(summary=summary, counts=counts)


def pushable_mappings(account: EcAccount) -> QuerySet:
    """Only verified mappings: an unverified key could create an orphan row in RMS (§3: upserts don't check)."""
    return ProductMapping.objects.filter(account=account, status=MappingStatus.OK).exclude(variant_id="")


def push_changed(
    account: EcAccount, mappings: QuerySet, pusher: BatchPusher, *, force: bool, flush: bool = True
) -> tuple[int, int]:
    """Queue every mapping whose sellable quantity differs from the last pushed one; returns (seen, queued)."""
    considered = changed = 0
    for row, quantity in sellable_quantities(account, mappings):
        considered += 1
        if force or quantity != row["last_pushed_quantity"]:
            changed += 1
            pusher.add(PushRow(row["id"], row["manage_number"], row["variant_id"], quantity))
    if flush:
        pusher.flush()
    return considered, changed


def sellable_quantities(account: EcAccount, mappings: QuerySet) -> Iterator[tuple[dict, int]]:
    """(mapping row, sellable quantity) for each mapping: one mapping query and one Σ query per chunk."""
    store_ids = list(account.stores.values_list("pk", flat=True))
    for chunk in iter_chunks(mappings, FIELDS):
        totals = on_hand_by_sku(sku_ids={row["sku_id"] for row in chunk}, store_ids=store_ids) if store_ids else {}
        for row in chunk:
            safety = effective_safety_stock(row["safety_stock"], account.safety_stock)
            yield row, sellable_quantity(totals.get(row["sku_id"], 0), safety)


def iter_chunks(queryset: QuerySet, fields: tuple[str, ...], size: int = CHUNK) -> Iterator[list[dict]]:
    """Keyset pagination by primary key: unlike OFFSET, rows updated meanwhile are neither skipped nor repeated."""
    last_id = 0
    while True:
        chunk = list(queryset.filter(pk__gt=last_id).order_by("pk").values(*fields)[:size])
        if not chunk:
            return
        yield chunk
        last_id = chunk[-1]["id"]
