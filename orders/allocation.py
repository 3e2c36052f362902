"""Planning one order line's stock movements: what to take, from which store, and what to give back.

Pure planning on the locked StockBook and the line's ledger; ``orders.services`` writes the planned movements
(through the inventory ledger) and the order's state. No function here writes an order.
"""

from __future__ import annotations

from inventory.models import Store
from inventory.services import MovementSpec

from .ledger import ALLOC, EFFECTS, KINDS, RELEASE, SHIP, LineLedger, StockBook, line_id
from .models import Order, OrderLine


def reconcile_line(order: Order, line: OrderLine, book: StockBook, ledger: LineLedger, planned: list) -> None:
    target = 0 if line.removed or line.sku_id is None else max(line.units - line.shipped_units, 0)
    need = target - line.allocated_units
    if need > 0:
        _take(order, line, need, book, ledger, planned)
    elif need < 0:
        give_back(order, line, -need, book, ledger, planned)


def _take(order: Order, line: OrderLine, need: int, book: StockBook, ledger: LineLedger, planned: list) -> None:
    """Allocate from the store with the most stock available first; what no store has stays short (欠品)."""
    if line.sku_id is None:  # an unmatched line has nothing to take stock of (its target is 0)
        return
    for store in book.most_stock_first(line.sku_id):
        available = book.available(store.pk, line.sku_id)
        if need <= 0 or available <= 0:
            break
        need -= plan_line_movement(order, line, store, min(need, available), ALLOC, book, ledger, planned)


def give_back(
    order: Order, line: OrderLine, units: int, book: StockBook | None, ledger: LineLedger, planned: list
) -> None:
    for store_id, held in sorted(ledger.held.items(), key=lambda item: -item[1]):
        if units <= 0:
            break
        if held > 0:
            store = ledger.stores[store_id]
            units -= plan_line_movement(order, line, store, min(units, held), RELEASE, book, ledger, planned)


def plan_line_movement(
    order: Order,
    line: OrderLine,
    store: Store,
    units: int,
    verb: str,
    book: StockBook | None,
    ledger: LineLedger,
    planned: list[MovementSpec],
    *,
    allocated: bool = True,
) -> int:
    """Plan one ledger movement of ``units`` (positive) and account for it at once; returns ``units``.

    The book holds locked stock rows, so what it says is available is what the write will find.
    ``allocated=False`` ships from a store that held nothing for the line (only on_hand moves).
    """
    on_hand_per_unit, allocated_per_unit = EFFECTS[verb]
    on_hand_change = on_hand_per_unit * units
    allocated_change = allocated_per_unit * units if allocated else 0
    sku = book.sku(line.sku_id) if book and line.sku_id is not None else line.sku
    if sku is None:  # the matcher releases a line's stock before it changes or drops the SKU
        raise ValueError(f"line #{line.item_detail_id} of {order.order_number} has no SKU to move stock of")
    planned.append(
        MovementSpec(
            store=store, sku=sku, kind=KINDS[verb], quantity=on_hand_change, allocated=allocated_change,
            reference=order.order_number[:100], note=f"#{line.item_detail_id} {line.name}"[:255],
            idempotency_key=ledger.key(line_id(order, line), verb, store),
        )
    )
    if book:
        book.take(store.pk, sku.pk, allocated_change)
    ledger.record(store, verb, allocated_change, on_hand_change)
    line.allocated_units += allocated_change
    if verb == SHIP:
        line.shipped_units += units
    return units


def unfilled(line: OrderLine) -> int:
    """Units neither held nor already shipped: what still needs stock."""
    return line.units - line.allocated_units - line.shipped_units
