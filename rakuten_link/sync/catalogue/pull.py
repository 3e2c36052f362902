"""The `catalogue` job: walk items.search by cursorMark, read recently changed items fresh, then the stock.

Minimum calls for N items and V variants: ceil(N/100) searches + ceil(F/50) bulk-gets for the F items the
index may show stale + ceil(V/1000) inventory bulk-gets. The search index lags item edits by up to 24 hours
(docs/rms.md §4), so an item whose indexed ``updated`` falls within 24 hours before the previous pull (or
after it) is read again with items.bulk-get; on a first pull, those updated in the last 24 hours.

Resumable: after each page the cursor, the items waiting for a fresh read and the count are saved in
``CataloguePull``; a run after a failure carries on from there instead of starting again. Items the
complete walk did not see are marked gone; the stock phase then walks the live variants by id.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import EcAccount
from lib.heap import older_objects_frozen
from rakuten_link.models import CatalogueItem, CataloguePull, CatalogueVariant, SyncRun
from rakuten_link.rms.api_catalog import INVENTORY_GET_BATCH, ITEMS_GET_BATCH, SEARCH_HITS
from rakuten_link.rms.types import RmsItem
from rakuten_link.sync.catalogue.store import mark_gone, set_quantities, store_items
from rakuten_link.sync.runner import JobResult

INDEX_LAG = timedelta(hours=24)


def pull_catalogue(*, account: EcAccount, client, run: SyncRun, **_options) -> JobResult:
    with older_objects_frozen():  # lib/heap.py: thousands of rows a page, no full walk of Django's heap
        return _pull(account, client)


def _pull(account: EcAccount, client) -> JobResult:
    state, _created = CataloguePull.objects.get_or_create(account=account)
    resumed = bool(state.started_at)
    if not resumed:
        _begin(state)
    counts = {"resumed": int(resumed), "searches": 0, "fresh_reads": 0, "stock_reads": 0}
    if state.phase == "items":
        _walk(state, client, counts)
        assert state.started_at is not None  # set by _begin, cleared only by _finish
        gone_items, gone_variants = mark_gone(account, state.started_at, timezone.now())
        counts.update(gone_items=gone_items, gone_variants=gone_variants)
        _save(state, phase="stock", stock_after_id=0)
    _stock(state, client, counts)
    _finish(state)
    queue_matching(account.pk)
    counts.update(items=CatalogueItem.objects.filter(account=account, gone_at__isnull=True).count(),
                  variants=CatalogueVariant.objects.filter(account=account, gone_at__isnull=True).count())
    summary = _("%(items)d items, %(variants)d variants pulled (%(gone)d items gone)") % {
        "items": counts["items"], "variants": counts["variants"], "gone": counts.get("gone_items", 0)}
    return JobResult(summary=summary, counts=counts)


MATCH_TASK = "rakuten_link.tasks.match_catalogue"


def queue_matching(account_id: int) -> None:
    """Match what was pulled in a task of its own once the pull has committed: the assistant shows fresh
    proposals seconds later, and the pull itself stays bound by RMS's pace, not by our CPU."""
    from django_q.tasks import async_task

    transaction.on_commit(lambda: async_task(MATCH_TASK, account_id, task_name=f"catalogue-match-{account_id}"))


def _begin(state: CataloguePull) -> None:
    _save(state, started_at=timezone.now(), phase="items", cursor_mark="*", fresh_pending=[], stock_after_id=0,
          found=0, done=0)


def _save(state: CataloguePull, **values) -> None:
    """Set and write ``values`` (one UPDATE: saved after every page, so ``save()``'s own work would count)."""
    for name, value in values.items():
        setattr(state, name, value)
    CataloguePull.objects.filter(pk=state.pk).update(**values)


def _fresh_since(state: CataloguePull) -> datetime:
    """Items the index shows as updated after this may be stale in it: read them with items.bulk-get."""
    assert state.started_at is not None
    return min(state.last_started_at or state.started_at, state.started_at) - INDEX_LAG


def _walk(state: CataloguePull, client, counts: dict) -> None:
    since = _fresh_since(state)
    while True:
        page = client.search_items_page(cursor_mark=state.cursor_mark)
        counts["searches"] += 1
        live = [item for item in page.items if item.title or item.variants]  # deleted: manageNumber only
        stale = [item.manage_number for item in live if item.updated is None or item.updated >= since]
        walked = state.done + len(page.items)
        # A short page, or as many results as numFound, is the end: no extra call to see an empty page.
        finished = (len(page.items) < SEARCH_HITS or walked >= page.num_found or not page.next_cursor_mark
                    or page.next_cursor_mark == state.cursor_mark)
        with transaction.atomic():
            store_items(state.account, live, timezone.now())
            _save(state, cursor_mark=page.next_cursor_mark or state.cursor_mark, found=page.num_found,
                  done=walked, fresh_pending=[*state.fresh_pending, *stale])
        _read_fresh(state, client, counts, everything=finished)
        if finished:
            return


def _read_fresh(state: CataloguePull, client, counts: dict, *, everything: bool) -> None:
    """items.bulk-get for the pending items, 50 a call; a last short call only once the walk is done."""
    while len(state.fresh_pending) >= ITEMS_GET_BATCH or (everything and state.fresh_pending):
        batch = state.fresh_pending[:ITEMS_GET_BATCH]
        items: list[RmsItem] = client.bulk_get_items(batch)
        counts["fresh_reads"] += 1
        with transaction.atomic():
            store_items(state.account, items, timezone.now())
            _save(state, fresh_pending=state.fresh_pending[len(batch):])


def _stock(state: CataloguePull, client, counts: dict) -> None:
    """Rakuten's quantity of every live SKU-era variant, 1000 per inventories bulk-get."""
    variants = (CatalogueVariant.objects.filter(account=state.account, gone_at__isnull=True, pre_sku=False)
                .order_by("id").values_list("id", "item__manage_number", "variant_id", "quantity"))
    while True:
        rows = list(variants.filter(id__gt=state.stock_after_id)[:INVENTORY_GET_BATCH])
        if not rows:
            return
        records = client.bulk_get_inventories([(row[1], row[2]) for row in rows])
        counts["stock_reads"] += 1
        quantities = {(r.manage_number, r.variant_id): r.quantity for r in records}
        with transaction.atomic():
            set_quantities(rows, quantities)
            _save(state, stock_after_id=rows[-1][0])


def _finish(state: CataloguePull) -> None:
    _save(state, last_started_at=state.started_at, last_finished_at=timezone.now(), started_at=None, phase="",
          cursor_mark="", fresh_pending=[], stock_after_id=0)
