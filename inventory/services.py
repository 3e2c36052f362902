"""The one place that changes on_hand and allocated: every change is a StockMovement in the same transaction.

on_hand is the physical count (adjustments, POS sales, stocktakes, shipments); allocated is what open
orders hold (allocation, release). A shipment lowers both at once. Available = on_hand − allocated is what
may still be sold, and never goes below zero through this module: an allocation needs available stock, and a
stocktake that counts fewer units than are allocated first asks the order side (the
``allocation_exceeds_count`` signal) to release the newest allocations, which flags those lines 欠品.
"""

from __future__ import annotations

import threading
from array import array
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import F, Sum, Value
from django.db.models.functions import Greatest
from django.utils.translation import gettext as _

from lib.fastwrite import insert_rows, update_rows

from .models import MovementKind, Sku, StockLevel, StockMovement, Store
from .signals import allocation_exceeds_count, stock_changed, stock_levels_written

_notices = threading.local()  # (SKU ids, store ids) gathered inside one_stock_notice()


class StockError(Exception):
    """A stock change that would break a rule (negative stock, unknown kind)."""


@dataclass(frozen=True)
class MovementSpec:
    """One requested change of one (store, SKU): signed changes of on_hand and allocated, why, and a key."""

    store: Store
    sku: Sku
    kind: str
    quantity: int
    reference: str = ""
    note: str = ""
    user: object = None
    idempotency_key: str | None = None
    allocated: int = 0

    @property
    def pair(self) -> tuple[int, int]:
        return self.store.pk, self.sku.pk


def apply_stock_movement(
    *,
    store: Store,
    sku: Sku,
    kind: str,
    quantity: int,
    reference: str = "",
    note: str = "",
    user=None,
    idempotency_key: str | None = None,
) -> StockMovement:
    """Add a signed quantity to one stock level and record why (see apply_stock_movements)."""
    spec = MovementSpec(store, sku, kind, quantity, reference, note, user, idempotency_key)
    return apply_stock_movements([spec])[0]


@transaction.atomic
def apply_stock_movements(specs: Sequence[MovementSpec], *, returning: bool = True) -> list[StockMovement]:
    """Apply many movements at once, all or nothing; returns one movement per spec, in order.

    With ``returning=False`` the new rows are inserted without fetching their primary keys (the
    returned movements then have none), for batch callers that only need the stock to move.

    The stock rows are locked first (in primary-key order, so two batches queue instead of
    deadlocking) and the idempotency keys are checked under those locks: a retried operation (an
    order fetched twice) gets back the movement it already made instead of moving stock again.
    Costs a constant number of queries whatever the batch size, which is what lets an order fetch
    allocate thousands of lines a second.
    """
    for spec in specs:
        if spec.kind not in MovementKind.values:
            raise StockError(_("Unknown movement kind: %(kind)s") % {"kind": spec.kind})
    if not specs:
        return []
    levels = _locked_levels({spec.pair for spec in specs})
    done = _existing_movements([spec.idempotency_key for spec in specs if spec.idempotency_key])
    on_hand = {pair: (level.on_hand, level.allocated) for pair, level in levels.items()}
    results: list[StockMovement] = []
    new_rows: list[StockMovement] = []
    for spec in specs:
        if spec.idempotency_key in done:
            results.append(done[spec.idempotency_key])
            continue
        movement = _movement(spec, on_hand)
        if spec.idempotency_key:
            done[spec.idempotency_key] = movement
        results.append(movement)
        new_rows.append(movement)
    _write(levels, on_hand, new_rows, returning=returning)
    _notify_after_commit({m.sku_id for m in new_rows}, {m.store_id for m in new_rows})
    return results


def set_stock_count(
    *, store: Store, sku: Sku, counted: int, kind: str = MovementKind.ADJUSTMENT, note: str = "", user=None
) -> StockMovement | None:
    """Record a physical count: the movement is the difference to what the system held (None if equal)."""
    moved = set_stock_counts([(store, sku, counted)], kind=kind, note=note, user=user)
    return moved[0] if moved else None


@transaction.atomic
def set_stock_counts(
    counts: Sequence[tuple[Store, Sku, int]], *, kind: str = MovementKind.ADJUSTMENT, note: str = "", user=None,
    returning: bool = True,
) -> list[StockMovement]:
    """Record many physical counts in one batch (CSV import): one movement per count that differs.

    ``returning=False`` as in apply_stock_movements: the movements come back without primary keys.
    """
    if any(counted < 0 for _store, _sku, counted in counts):
        raise StockError(_("A counted quantity cannot be negative."))
    pairs = {(store.pk, sku.pk) for store, sku, _counted in counts}
    levels = _locked_levels(pairs)
    excess = {(store.pk, sku.pk): levels[(store.pk, sku.pk)].allocated - counted
              for store, sku, counted in counts if counted < levels[(store.pk, sku.pk)].allocated}
    if excess:
        allocation_exceeds_count.send(sender=StockLevel, excess=excess)
        levels = _locked_levels(pairs)
        _refuse_remaining_excess(counts, levels)
    specs = [
        MovementSpec(store, sku, kind, counted - levels[(store.pk, sku.pk)].on_hand, note=note, user=user)
        for store, sku, counted in counts
        if counted != levels[(store.pk, sku.pk)].on_hand
    ]
    return apply_stock_movements(specs, returning=returning)


def available_by_sku(*, sku_ids: Iterable[int], store_ids: Iterable[int]) -> dict[int, int]:
    """Σ available (on_hand − allocated, each store at least 0) per SKU over the given stores, in one query."""
    rows = (
        StockLevel.objects.filter(sku_id__in=list(sku_ids), store_id__in=list(store_ids))
        .values("sku_id")
        .annotate(total=Sum(Greatest(F("on_hand") - F("allocated"), Value(0))))
    )
    return {row["sku_id"]: row["total"] or 0 for row in rows}


def _refuse_remaining_excess(counts, levels) -> None:
    """Nobody released enough (no order side listening): refuse rather than leave available below zero."""
    for store, sku, counted in counts:
        allocated = levels[(store.pk, sku.pk)].allocated
        if counted < allocated:
            raise StockError(
                _("%(sku)s in %(store)s: the count %(counted)d is below the %(allocated)d units open orders hold.")
                % {"sku": sku.code, "store": store.name, "counted": counted, "allocated": allocated}
            )


def _movement(spec: MovementSpec, state: dict[tuple[int, int], tuple[int, int]]) -> StockMovement:
    on_hand, allocated = state[spec.pair]
    new_on_hand, new_allocated = on_hand + spec.quantity, allocated + spec.allocated
    names = {"sku": spec.sku.code, "store": spec.store.name}
    if new_on_hand < 0:
        raise StockError(
            _("Stock of %(sku)s in %(store)s would become negative (on hand %(on_hand)d, change %(qty)+d).")
            % {**names, "on_hand": on_hand, "qty": spec.quantity}
        )
    if new_allocated < 0:
        raise StockError(_("%(sku)s in %(store)s: more would be released than is allocated.") % names)
    if spec.allocated > 0 and new_allocated > new_on_hand:
        raise StockError(
            _("%(sku)s in %(store)s: only %(available)d available, %(wanted)d wanted.")
            % {**names, "available": on_hand - allocated, "wanted": spec.allocated}
        )
    state[spec.pair] = (new_on_hand, new_allocated)
    return StockMovement(
        store=spec.store,
        sku=spec.sku,
        kind=spec.kind,
        quantity=spec.quantity,
        on_hand_after=new_on_hand,
        allocated_change=spec.allocated,
        allocated_after=new_allocated,
        reference=spec.reference[:100],
        note=spec.note[:255],
        created_by=spec.user if isinstance(spec.user, User) and spec.user.pk else None,
        idempotency_key=spec.idempotency_key or None,
    )


def _locked_levels(pairs: set[tuple[int, int]]) -> dict[tuple[int, int], StockLevel]:
    """Lock (creating when missing) the stock rows of the given (store, SKU) pairs."""
    levels = _read_locked(pairs)
    missing = pairs - levels.keys()
    if missing:
        StockLevel.objects.bulk_create(
            [StockLevel(store_id=store, sku_id=sku, on_hand=0, allocated=0) for store, sku in missing],
            ignore_conflicts=True,
        )
        levels = _read_locked(pairs)
    return levels


def _read_locked(pairs: set[tuple[int, int]]) -> dict[tuple[int, int], StockLevel]:
    rows = StockLevel.objects.select_for_update().filter(
        store_id__in={store for store, _sku in pairs}, sku_id__in={sku for _store, sku in pairs}
    ).order_by("pk")
    return {(row.store_id, row.sku_id): row for row in rows if (row.store_id, row.sku_id) in pairs}


def _existing_movements(keys: list[str]) -> dict[str | None, StockMovement]:
    if not keys:
        return {}
    return {m.idempotency_key: m for m in StockMovement.objects.filter(idempotency_key__in=keys)}


def _write(levels, state, new_rows: list[StockMovement], *, returning: bool) -> None:
    changed = [level for pair, level in levels.items() if (level.on_hand, level.allocated) != state[pair]]
    if changed and stock_levels_written.has_listeners():
        stock_levels_written.send(sender=StockLevel, changes=[
            (lv.store_id, lv.sku_id, lv.on_hand - lv.allocated, _available(state[(lv.store_id, lv.sku_id)]))
            for lv in changed])
    for level in changed:
        level.on_hand, level.allocated = state[(level.store_id, level.sku_id)]
    update_rows(changed, ["on_hand", "allocated"])
    if new_rows and returning:
        StockMovement.objects.bulk_create(new_rows)
    elif new_rows:
        insert_rows(new_rows)


def _available(values: tuple[int, int]) -> int:
    return values[0] - values[1]


@contextmanager
def one_stock_notice():
    """Batches applied inside are announced as one notice after commit (a CSV import written in chunks)."""
    outer = getattr(_notices, "pending", None)
    # SKU ids in a flat array (8 bytes each): a stocktake of a million rows would make a set of 60 MB.
    pending: tuple[array[int], set[int]] = (array("q"), set())
    _notices.pending = pending
    try:
        yield
    finally:
        _notices.pending = outer
    _notify_after_commit(*pending)


def _notify_after_commit(sku_ids: Iterable[int], store_ids: set[int]) -> None:
    """One notice per call, after commit: a batch of movements (an order fetch) is one notice, not many."""
    pending = getattr(_notices, "pending", None)
    if pending is not None:
        pending[0].extend(sku_ids)  # a SKU counted in two stores comes twice: harmless in the IN lists
        pending[1].update(store_ids)
        return
    if sku_ids:
        transaction.on_commit(
            lambda: stock_changed.send(sender=StockMovement, sku_ids=sku_ids, store_ids=store_ids)
        )
