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

Every move of an order's own state (``Order.state``, ``attention_reasons``) is made here, one function per
transition: ``take_in`` (new orders from the marketplace), ``follow_marketplace`` (a re-fetched batch),
``allocate_order`` (retry), ``mark_checked``, ``ship_package``, ``cancel_order``; each writes its timeline rows
(``orders.timeline``) in its transaction, and ``order_events`` goes out after the commit. The batch
functions take many orders and cost a few queries per batch, not per order (order intake is bulk).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from django.db import transaction
from django.utils import timezone

from inventory.models import Store
from inventory.services import MovementSpec, apply_stock_movements

from . import timeline
from .allocation import give_back, plan_line_movement, reconcile_line, unfilled
from .ledger import RELEASE, SHIP, LineLedger, StockBook, line_id, read_ledgers
from .models import (
    SHIPPED_PROGRESS,
    STICKY_REASONS,
    AttentionReason,
    Order,
    OrderLine,
    OrderProgress,
    OrderState,
)

ACTIVE_STATES = frozenset({OrderState.NEW, OrderState.ALLOCATED, OrderState.NEEDS_ATTENTION})

Entry = tuple[Order, Sequence[OrderLine]]


class OrderStateError(Exception):
    """A move the order's state does not allow (shipping a cancelled order)."""


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
                reconcile_line(order, line, book, ledger, planned)
        evaluate_state(order, lines, extra=(extra_reasons or {}).get(order.order_number, ()))
    apply_stock_movements(planned, returning=False)
    if save:
        save_orders(entries, before=before)


@transaction.atomic(savepoint=False)
def take_in(entries: Sequence[Entry], *, stores: Sequence[Store],
            extra_reasons: Mapping[str, Iterable[str]] | None = None) -> None:
    """New orders, not saved yet: their first state, then their allocation (the caller inserts them, then
    calls ``record_taken_in``). One seen first already cancelled or shipped (a backfill) takes no stock.
    """
    for order, _lines in entries:
        if order.order_progress == OrderProgress.CANCELLED:
            order.state = OrderState.CANCELLED
        elif order.order_progress in SHIPPED_PROGRESS:
            order.state = OrderState.SHIPPED
    allocate_orders(entries, stores=stores, fresh=True, extra_reasons=extra_reasons, save=False)


def record_taken_in(orders: Sequence[Order]) -> None:
    """The timeline of orders ``take_in`` prepared and the caller has now inserted: one INSERT for the batch."""
    timeline.write([row for order in orders for row in timeline.moves(order, new=True)])


@transaction.atomic(savepoint=False)
def follow_marketplace(entries: Sequence[Entry], *, stores: Sequence[Store], before: dict[int, tuple],
                       extra_reasons: Mapping[str, Iterable[str]], lines_changed: set[str]) -> list[Order]:
    """Re-fetched orders: re-allocate, follow a shipment or a cancellation made in the marketplace.

    ``lines_changed`` (order numbers) get the sticky ORDER_CHANGED reason. Returns the orders cancelled with
    their stock given back (the buyer hears of those); a cancellation after the goods left flags the return.
    """
    active, cancelled = [], []
    for order, lines in entries:
        if order.order_number in lines_changed and order.state != OrderState.CANCELLED:
            order.attention_reasons = [*order.attention_reasons, AttentionReason.ORDER_CHANGED.value]
        if order.order_progress == OrderProgress.CANCELLED and order.state != OrderState.CANCELLED:
            cancelled.append((order, lines))
        else:
            active.append((order, lines))
    allocate_orders(active, stores=stores, extra_reasons=extra_reasons, save=False)
    for order, lines in active:
        if order.order_progress in SHIPPED_PROGRESS:
            mark_shipped(order, lines)
    save_orders(active, before=before)
    released = []
    for order, lines in cancelled:
        goods_left = order.state == OrderState.SHIPPED or order.shipping_reported_at is not None
        if goods_left:
            order.attention_reasons = [*order.attention_reasons, AttentionReason.CANCELLED_AFTER_SHIPPING.value]
        else:
            released.append(order)
        cancel_order(order, lines, release=not goods_left)
    return released


def release_lines(order: Order, lines: Sequence[OrderLine]) -> None:
    """Give back everything the lines hold, to the stores it came from (cancellation, SKU change)."""
    ledgers = read_ledgers([(order, lines)])
    planned: list[MovementSpec] = []
    for line in lines:
        ledger = ledgers.setdefault(line_id(order, line), LineLedger())
        line.allocated_units = ledger.total
        if ledger.total:
            give_back(order, line, ledger.total, None, ledger, planned)
    apply_stock_movements(planned, returning=False)


@transaction.atomic(savepoint=False)
def cancel_order(order: Order, lines: Sequence[OrderLine], *, release: bool = True, user=None,
                 message: str = "") -> None:
    """Final state cancelled; the allocation is released unless the goods have already left."""
    if release:
        release_lines(order, lines)
    order.state = OrderState.CANCELLED
    evaluate_state(order, lines)
    save_orders([(order, lines)], user=user, message=message)


def mark_shipped(order: Order, lines: Sequence[OrderLine]) -> None:
    """The marketplace reports the order shipped: what its lines hold leaves the stores they hold it in.

    Idempotent per line and store (the ledger keys); an order that is no longer active moves nothing.
    The caller saves the order and lines (``save_orders``) inside its transaction.
    """
    if order.state not in ACTIVE_STATES:
        return
    ship_lines(order, lines)
    order.state = OrderState.SHIPPED


@transaction.atomic
def ship_package(order: Order, lines: Sequence[OrderLine], package_lines: Sequence[OrderLine], *,
                 store: Store | None, complete: bool, user=None) -> None:
    """A parcel left for one package: its lines ship from ``store``; with ``complete`` (every package has a
    parcel) the order is shipped. ``order`` must be locked by the caller.
    """
    if order.state == OrderState.CANCELLED:
        raise OrderStateError(order.order_number)
    if order.state in ACTIVE_STATES:
        ship_lines(order, package_lines, store=store)
        if complete:
            order.state = OrderState.SHIPPED
    save_orders([(order, lines)], user=user)


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


def save_orders(entries: Sequence[Entry], *, before: dict[int, tuple] | None = None, user=None,
                message: str = "") -> None:
    """Write state, reasons and line allocation figures, and the timeline rows of what moved.

    One UPDATE per distinct set of values, and only for rows that differ from ``before`` (a snapshot taken
    with ``snapshot``), plus one INSERT of timeline rows, so a batch costs a few queries.
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
    now = timezone.now()  # update() skips auto_now, and the order feed (api/feed.py) follows updated_at
    for (state, reasons), ids in orders.items():
        Order.objects.filter(pk__in=ids).update(state=state, attention_reasons=list(reasons), updated_at=now)
    timeline.write([row for order, _l in entries for row in timeline.moves(order, user=user, message=message)])


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
        line.needs_attention = live and (line.sku_id is None or (active and unfilled(line) > 0))
    if active:
        live_lines = [line for line in lines if not line.removed and line.units > 0]
        if any(line.sku_id is None for line in live_lines):
            reasons.append(AttentionReason.UNMATCHED_LINE)
        if any(line.sku_id and unfilled(line) > 0 for line in live_lines):
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
def allocate_order(order: Order, *, user=None) -> Order:
    """Retry one order's allocation (after a restock or a new mapping); safe to call any number of times."""
    order = Order.objects.select_for_update().select_related("account").get(pk=order.pk)
    lines = list(order.lines.all())
    before = snapshot([(order, lines)])
    allocate_orders([(order, lines)], stores=list(order.account.stores.all()), save=False)
    save_orders([(order, lines)], before=before, user=user)
    return order


@transaction.atomic
def mark_checked(order: Order, *, user=None) -> Order:
    """Staff have looked at the order: clear the reasons only a person can clear, re-derive the rest."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    lines = list(order.lines.all())
    order.attention_reasons = [r for r in order.attention_reasons if r not in STICKY_REASONS]
    evaluate_state(order, lines)
    save_orders([(order, lines)], user=user)
    return order
