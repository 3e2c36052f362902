"""The stock side of allocation: what the account's stores have available, and what each line holds where.

Both are read in bulk (one query per batch) and kept current in memory as movements are made, so
allocating a batch of orders costs the ledger's own queries and little else. A line's holding per store is
the sum of its movements' ``allocated_change`` (allocations add, releases and shipments take away).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from inventory.models import MovementKind, Sku, StockLevel, StockMovement, Store

from .models import Order, OrderLine

ALLOC, RELEASE, SHIP = "alloc", "release", "ship"
KINDS = {ALLOC: MovementKind.ORDER_ALLOCATION, RELEASE: MovementKind.ORDER_RELEASE, SHIP: MovementKind.ORDER_SHIPMENT}
# (on_hand change, allocated change) per unit of each verb.
EFFECTS = {ALLOC: (0, 1), RELEASE: (0, -1), SHIP: (-1, -1)}
KEY_PREFIX = "order-line:"


class StockBook:
    """Available stock of the account's stores for the SKUs at hand: one query, then kept current as stock moves."""

    def __init__(self, stores: Sequence[Store], available: dict[tuple[int, int], int], skus: dict[int, Sku]) -> None:
        self.stores = sorted(stores, key=lambda s: s.code)
        self._available = available
        self._skus = skus

    @classmethod
    def load(cls, stores: Sequence[Store], sku_ids: Iterable[int]) -> StockBook:
        """Read (and on PostgreSQL lock, in primary-key order) every level the batch may touch.

        Locking them all up front in one order means two batches allocating the same SKUs queue behind
        each other instead of deadlocking; the ledger's own row locks are then already held.
        """
        sku_ids = set(sku_ids)
        if not sku_ids:
            return cls(stores, {}, {})
        rows = StockLevel.objects.select_for_update().filter(
            store__in=[s.pk for s in stores], sku__in=sku_ids).order_by("pk")
        columns = rows.values_list("store_id", "sku_id", "on_hand", "allocated")
        available = {(store, sku): on_hand - allocated for store, sku, on_hand, allocated in columns}
        return cls(stores, available, Sku.objects.in_bulk(sku_ids))

    def available(self, store_id: int, sku_id: int) -> int:
        return self._available.get((store_id, sku_id), 0)

    def take(self, store_id: int, sku_id: int, units: int) -> None:
        """``units`` more (or, negative, fewer) are held: available moves the other way."""
        self._available[(store_id, sku_id)] = self.available(store_id, sku_id) - units

    def sku(self, sku_id: int) -> Sku:
        if sku_id not in self._skus:
            self._skus[sku_id] = Sku.objects.get(pk=sku_id)
        return self._skus[sku_id]

    def most_stock_first(self, sku_id: int) -> list[Store]:
        return sorted(self.stores, key=lambda s: -self.available(s.pk, sku_id))


LineId = tuple[int, str, int]  # (account, order number, item detail id): known before the line is saved


def line_id(order: Order, line: OrderLine) -> LineId:
    return order.account_id, order.order_number, line.item_detail_id


@dataclass
class LineLedger:
    """What one line holds and has shipped per store, and how many movements of each verb it had (for the keys)."""

    held: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    shipped: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    counts: dict[tuple[int, str], int] = field(default_factory=lambda: defaultdict(int))
    stores: dict[int, Store] = field(default_factory=dict)

    def key(self, ident: LineId, verb: str, store: Store) -> str:
        seq = self.counts[(store.pk, verb)]
        account_id, number, detail_id = ident
        base = f"{KEY_PREFIX}{account_id}:{number}:{detail_id}:{verb}:store:{store.pk}"
        return f"{base}:{seq + 1}" if seq else base

    @property
    def total(self) -> int:
        return sum(self.held.values())

    @property
    def total_shipped(self) -> int:
        return sum(self.shipped.values())

    def record(self, store: Store, verb: str, allocated_change: int, on_hand_change: int = 0) -> None:
        self.stores[store.pk] = store
        self.counts[(store.pk, verb)] += 1
        self.held[store.pk] += allocated_change
        if verb == SHIP:
            self.shipped[store.pk] -= on_hand_change


def read_ledgers(entries: Sequence[tuple[Order, Sequence[OrderLine]]]) -> dict[LineId, LineLedger]:
    """Every order-line movement of these orders, read in one query (by reference = order number)."""
    wanted = {line_id(order, line) for order, lines in entries for line in lines}
    rows = StockMovement.objects.filter(
        reference__in={order.order_number[:100] for order, _l in entries},
        kind__in=list(KINDS.values()),
        idempotency_key__startswith=KEY_PREFIX,
    ).select_related("store")
    ledgers: dict[LineId, LineLedger] = {}
    for movement in rows:
        if movement.idempotency_key is None:  # none here (the query wants the prefix); tells the type checker
            continue
        ident, verb = parse_key(movement.idempotency_key)
        if ident in wanted:
            ledgers.setdefault(ident, LineLedger()).record(movement.store, verb, movement.allocated_change,
                                                           movement.quantity)
    return ledgers


def parse_key(key: str) -> tuple[LineId, str]:
    account_id, number, detail_id, verb = key[len(KEY_PREFIX):].split(":")[:4]
    return (int(account_id), number, int(detail_id)), verb
