"""Stock allocation and processing state of orders, marketplace-neutral.

Every stock change goes through ``inventory.services.apply_stock_movements``, once per batch: the moves are
planned against the locked StockBook, then written together. An allocation raises the store's ``allocated``
(the goods stay on the shelf, no longer available), a release lowers it, and a shipment lowers both
``on_hand`` and ``allocated``: the goods have left. Each movement carries an idempotency key per (line, store)
— ``order-line:<account>:<order number>:<item detail id>:alloc:store:<id>`` (``release`` for releases,
``ship`` for shipments) — with a sequence suffix only when the same line and store move again (units changed
after intake), so a re-fetched order never moves stock twice. The key names the line by its marketplace
identity rather than its primary key, so new orders are allocated before they are inserted. The movement's
``reference`` is the order number: the ledger reads well for staff, and a line's history comes back with one
indexed query.

Callers run these functions inside their own transaction (one per fetched batch) or let the single-order
helpers open one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from django.db import transaction

from inventory.models import Store
from inventory.services import MovementSpec, apply_stock_movements

from .ledger import ALLOC, EFFECTS, KINDS, RELEASE, SHIP, LineLedger, StockBook, line_id, read_ledgers
from .models import STICKY_REASONS, AttentionReason, Order, OrderLine, OrderState

ACTIVE_STATES = frozenset({OrderState.NEW, OrderState.ALLOCATED, OrderState.NEEDS_ATTENTION})

Entry = tuple[Order, Sequence[OrderLine]]


def allocate_orders(
    entries: Sequence[Entry],
    *,
    stores: Sequence[Store],
    fresh: bool = False,
    extra_reasons: Mapping[str, Iterable[str]] | None = None,
    save: bool = True,
) -> None:
    """Bring each line of each active order to its target allocation, then set the orders' state.

    Works on unsaved orders and lines too (the keys use the order number and item detail id, not primary
    keys), so a fetch can allocate first and insert everything with its final values in one go. ``fresh``
    says there is no ledger history to read. ``extra_reasons`` (by order number) adds marketplace reasons
    such as a pending cancellation. With ``save`` the changed rows are written; the caller owns the
    transaction.
    """
    before = snapshot(entries) if save else None
    book = StockBook.load(stores, {line.sku_id for _o, lines in entries for line in lines if line.sku_id})
    ledgers = {} if fresh else read_ledgers(entries)
    planned: list[MovementSpec] = []
    for order, lines in entries:
        if order.state in ACTIVE_STATES:
            for line in lines:
                ledger = ledgers.setdefault(line_id(order, line), LineLedger())
                if not fresh:
                    line.allocated_units = ledger.total  # the ledger is the truth, whatever the row says
                _reconcile_line(order, line, book, ledger, planned)
        evaluate_state(order, lines, extra=(extra_reasons or {}).get(order.order_number, ()))
    apply_stock_movements(planned, returning=False)
    if save:
        save_orders(entries, before=before)


def release_lines(order: Order, lines: Sequence[OrderLine]) -> None:
    """Give back everything the lines hold, to the stores it came from (cancellation, SKU change)."""
    ledgers = read_ledgers([(order, lines)])
    planned: list[MovementSpec] = []
    for line in lines:
        ledger = ledgers.setdefault(line_id(order, line), LineLedger())
        line.allocated_units = ledger.total
        if ledger.total:
            _give_back(order, line, ledger.total, None, ledger, planned)
    apply_stock_movements(planned, returning=False)


def cancel_order(order: Order, lines: Sequence[OrderLine], *, release: bool = True) -> None:
    """Final state cancelled; the allocation is released unless the goods have already left."""
    if release:
        release_lines(order, lines)
    order.state = OrderState.CANCELLED
    evaluate_state(order, lines)
    save_orders([(order, lines)])


def mark_shipped(order: Order, lines: Sequence[OrderLine]) -> None:
    """The marketplace reports the order shipped: what its lines hold leaves the stores they hold it in.

    Idempotent per line and store (the ledger keys); an order that is no longer active moves nothing.
    The caller saves the order and lines (``save_orders``) inside its transaction.
    """
    if order.state not in ACTIVE_STATES:
        return
    ship_lines(order, lines)
    order.state = OrderState.SHIPPED


def ship_lines(order: Order, lines: Sequence[OrderLine], *, store: Store | None = None) -> None:
    """Consume what the lines hold as shipped; with ``store``, from that store (a shipment made here).

    Held units in another store are released there and taken from ``store``'s shelf instead, so the
    ledger follows where the parcel really left from.
    """
    ledgers = read_ledgers([(order, lines)])
    planned: list[MovementSpec] = []
    for line in lines:
        ledger = ledgers.setdefault(line_id(order, line), LineLedger())
        for store_id, held in sorted(ledger.held.items()):
            if held <= 0:
                continue
            source = ledger.stores[store_id]
            if store is not None and store.pk != store_id:
                plan_line_movement(order, line, source, held, RELEASE, None, ledger, planned)
                plan_line_movement(order, line, store, held, SHIP, None, ledger, planned, allocated=False)
            else:
                plan_line_movement(order, line, source, held, SHIP, None, ledger, planned)
    apply_stock_movements(planned, returning=False)


def save_orders(entries: Sequence[Entry], *, before: dict[int, tuple] | None = None) -> None:
    """Write state, reasons and line allocation figures: one UPDATE per distinct set of values, and only
    for rows that differ from ``before`` (a snapshot taken with ``snapshot``), so a batch costs a few queries.
    """
    lines: dict[tuple, list[int]] = defaultdict(list)
    orders: dict[tuple, list[int]] = defaultdict(list)
    for order, order_lines in entries:
        if before is None or before.get(id(order)) != _order_values(order):
            orders[_order_values(order)].append(order.pk)
        for line in order_lines:
            if before is None or before.get(id(line)) != _line_values(line):
                lines[_line_values(line)].append(line.pk)
    for (units, shipped, flag), ids in lines.items():
        OrderLine.objects.filter(pk__in=ids).update(allocated_units=units, shipped_units=shipped,
                                                    needs_attention=flag)
    for (state, reasons), ids in orders.items():
        Order.objects.filter(pk__in=ids).update(state=state, attention_reasons=list(reasons))


def snapshot(entries: Sequence[Entry]) -> dict[int, tuple]:
    values: dict[int, tuple] = {}
    for order, lines in entries:
        values[id(order)] = _order_values(order)
        values.update((id(line), _line_values(line)) for line in lines)
    return values


def _order_values(order: Order) -> tuple:
    return order.state, tuple(order.attention_reasons)


def _line_values(line: OrderLine) -> tuple:
    return line.allocated_units, line.shipped_units, line.needs_attention


def evaluate_state(order: Order, lines: Sequence[OrderLine], *, extra: Iterable[str] = ()) -> None:
    """Derive line flags, attention reasons and (for active orders) allocated vs needs_attention."""
    active = order.state in ACTIVE_STATES
    reasons = [r for r in order.attention_reasons if r in STICKY_REASONS]
    for line in lines:
        live = not line.removed and line.units > 0
        line.needs_attention = live and (line.sku_id is None or (active and _unfilled(line) > 0))
    if active:
        live_lines = [line for line in lines if not line.removed and line.units > 0]
        if any(line.sku_id is None for line in live_lines):
            reasons.append(AttentionReason.UNMATCHED_LINE)
        if any(line.sku_id and _unfilled(line) > 0 for line in live_lines):
            reasons.append(AttentionReason.SHORT_STOCK)
        # A name without a code (answers of 2018/2019 whose name is not in RMS's table) is unmapped too.
        if order.payment_method_id is None and (order.settlement_method_code is not None
                                                or order.settlement_method_name):
            reasons.append(AttentionReason.UNMAPPED_PAYMENT)
    reasons.extend(extra)
    order.attention_reasons = [str(r) for r in dict.fromkeys(reasons)]
    if active:
        order.state = OrderState.NEEDS_ATTENTION if order.attention_reasons else OrderState.ALLOCATED


@transaction.atomic
def allocate_order(order: Order) -> Order:
    """Retry one order's allocation (after a restock or a new mapping); safe to call any number of times."""
    order = Order.objects.select_for_update().select_related("account").get(pk=order.pk)
    lines = list(order.lines.all())
    allocate_orders([(order, lines)], stores=list(order.account.stores.all()))
    return order


@transaction.atomic
def mark_checked(order: Order) -> Order:
    """Staff have looked at the order: clear the reasons only a person can clear, re-derive the rest."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    lines = list(order.lines.all())
    order.attention_reasons = [r for r in order.attention_reasons if r not in STICKY_REASONS]
    evaluate_state(order, lines)
    save_orders([(order, lines)])
    return order


def _reconcile_line(order: Order, line: OrderLine, book: StockBook, ledger: LineLedger, planned: list) -> None:
    target = 0 if line.removed or line.sku_id is None else max(line.units - line.shipped_units, 0)
    need = target - line.allocated_units
    if need > 0:
        _take(order, line, need, book, ledger, planned)
    elif need < 0:
        _give_back(order, line, -need, book, ledger, planned)


def _take(order: Order, line: OrderLine, need: int, book: StockBook, ledger: LineLedger, planned: list) -> None:
    """Allocate from the store with the most stock available first; what no store has stays short (欠品)."""
    if line.sku_id is None:  # an unmatched line has nothing to take stock of (_reconcile_line's target is 0)
        return
    for store in book.most_stock_first(line.sku_id):
        available = book.available(store.pk, line.sku_id)
        if need <= 0 or available <= 0:
            break
        need -= plan_line_movement(order, line, store, min(need, available), ALLOC, book, ledger, planned)


def _give_back(
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


def _unfilled(line: OrderLine) -> int:
    """Units neither held nor already shipped: what still needs stock."""
    return line.units - line.allocated_units - line.shipped_units
