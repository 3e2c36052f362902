"""A stocktake that counts fewer units than open orders hold: the newest orders give theirs back.

inventory.services asks for this (the ``allocation_exceeds_count`` signal, inside the stocktake's
transaction) before it applies the count, so available stock never goes below zero. Releasing from the
newest orders first keeps the orders that have waited longest whole; the lines that lost units are flagged
欠品 (SHORT_STOCK) like any line the stores could not fill, and "retry allocation" takes stock again after
a restock.
"""

from __future__ import annotations

from collections.abc import Mapping

from inventory.services import MovementSpec, apply_stock_movements

from .ledger import RELEASE, LineLedger, line_id, read_ledgers
from .models import Order, OrderLine
from .services import ACTIVE_STATES, evaluate_state, plan_line_movement, save_orders, snapshot


def release_excess(excess: Mapping[tuple[int, int], int]) -> None:
    """Release ``excess[(store_id, sku_id)]`` allocated units at each level, newest orders first."""
    sku_ids = {sku for _store, sku in excess}
    orders = list(
        Order.objects.filter(state__in=ACTIVE_STATES, lines__sku_id__in=sku_ids, lines__allocated_units__gt=0)
        .distinct().order_by("-ordered_at", "-id")
    )
    lines_of: dict[int, list[OrderLine]] = {order.pk: [] for order in orders}
    for line in OrderLine.objects.filter(order__in=orders).select_related("sku"):
        lines_of[line.order_id].append(line)
    entries = [(order, lines_of[order.pk]) for order in orders]
    before = snapshot(entries)
    ledgers = read_ledgers(entries)
    remaining = dict(excess)
    planned: list[MovementSpec] = []
    for order, lines in entries:
        for line in lines:
            ledger = ledgers.setdefault(line_id(order, line), LineLedger())
            _release_line(order, line, ledger, remaining, planned)
    apply_stock_movements(planned, returning=False)
    for order, lines in entries:
        evaluate_state(order, lines)
    save_orders(entries, before=before)


def _release_line(order: Order, line: OrderLine, ledger: LineLedger, remaining: dict, planned: list) -> None:
    for store_id, held in sorted(ledger.held.items()):
        pair = (store_id, line.sku_id)
        units = min(held, remaining.get(pair, 0))
        if units > 0:
            plan_line_movement(order, line, ledger.stores[store_id], units, RELEASE, None, ledger, planned)
            remaining[pair] -= units
