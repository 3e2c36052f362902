"""Order status moves, from both sides: the shop (via the API) and Rakuten (via control and tick).

Flow (docs/rms.md §2.1): 100 → confirmOrder → 200 → Rakuten's checks → 300 → every shipping row
complete + nightly batch → 500; cancelOrder from 100/200/300 → 900.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from ..state import clock
from ..state.codes import CANCELLABLE_PROGRESS, ORDER_PROGRESS
from ..state.state import SandboxState
from ..state.stock import adjust_for_order, order_sku_lines, shortages
from .factory import OrderInputError, build_order, cancel_reason
from .random import random_partial


def create_order(
    state: SandboxState,
    shop: str,
    partial: dict[str, Any],
    at: datetime,
    restrict: list[str] | None = None,
    force: bool = False,
) -> dict[str, Any]:
    """Build, store and (if configured) take stock for one order; returns the stored order.

    While the sandbox keeps Rakuten's count, an order for more than a SKU's inventory row holds is refused
    (OrderInputError), as Rakuten refuses the purchase; `force` lets a test make one all the same.
    """
    order = build_order(state, shop, partial, at, state.rng, restrict)
    counted = state.config.order_decrements_inventory and order["orderProgress"] != 900
    short = shortages(state, order) if counted and not force else []
    if short:
        raise OrderInputError("not enough stock on Rakuten: " + "; ".join(short))
    if 500 <= order["orderProgress"] < 900:
        _ensure_shipped_rows(state, order, state.rng)
    state.orders[order["orderNumber"]] = order
    if state.config.order_decrements_inventory and order["orderProgress"] != 900:
        adjust_for_order(state, order, -1, at)
    return order


def create_random_order(state: SandboxState, shop: str, at: datetime, options: dict[str, Any]) -> dict[str, Any]:
    partial = random_partial(state, shop, state.rng, at, options)
    return create_order(state, shop, partial, at, options.get("items"))


def _ensure_shipped_rows(state: SandboxState, order: dict[str, Any], rng: random.Random) -> None:
    """Orders created as already shipped get one complete shipping row per basket."""
    ship_date = (clock.parse_order_dt(order["orderDatetime"]) or clock.now()) + timedelta(days=1)
    for package in order["PackageModelList"]:
        if not package["ShippingModelList"]:
            package["ShippingModelList"] = [
                {
                    "shippingDetailId": state.next_id("shippingDetailId", 5_000_001),
                    "shippingNumber": f"{rng.randrange(10**12):012d}",
                    "deliveryCompany": "1001",
                    "deliveryCompanyName": "ヤマト運輸",
                    "shippingDate": ship_date.strftime("%Y-%m-%d"),
                }
            ]


def confirm(order: dict[str, Any], at: datetime) -> None:
    """100 → 200 (the shop's 注文確認)."""
    order["orderProgress"] = 200
    order["shopOrderCfmDatetime"] = clock.format_order_dt(at)
    order["cancelDueDate"] = None


def finish_processing(order: dict[str, Any], at: datetime) -> None:
    """200 → 300: Rakuten's payment and fraud checks are done; the shop may ship."""
    order["orderProgress"] = 300
    order["orderFixDatetime"] = clock.format_order_dt(at)
    order["shippingInstDatetime"] = clock.format_order_dt(at)


def advance(order: dict[str, Any], at: datetime, to: int | None = None) -> None:
    """One step (100 → 200 → 300), or several up to `to`; raises ValueError elsewhere."""
    target = to if to is not None else {100: 200, 200: 300}.get(order["orderProgress"])
    if target not in (200, 300) or target <= order["orderProgress"]:
        raise ValueError(f"cannot advance an order in {order['orderProgress']} to {target}")
    if order["orderProgress"] == 100:
        confirm(order, at)
    if target == 300:
        finish_processing(order, at)


def set_progress(order: dict[str, Any], progress: object, at: datetime) -> None:
    """Force any orderProgress (for tests of states the sandbox does not otherwise reach)."""
    if progress not in ORDER_PROGRESS:
        raise ValueError(f"orderProgress must be one of {ORDER_PROGRESS}")
    order["orderProgress"] = progress
    if progress == 500 and not order.get("shippingCmplRptDatetime"):
        order["shippingCmplRptDatetime"] = clock.format_order_dt(at)


def cancel(state: SandboxState, order: dict[str, Any], reason: int, restore_type: int, at: datetime) -> None:
    """→ 900 with a ChangeReasonModel; stock comes back unless restore_type says not to.

    inventoryRestoreType: 0 follow the line's setting (restoreInventoryFlag 2 = keep), 1 restore, 2 keep.
    """
    if order["orderProgress"] not in CANCELLABLE_PROGRESS:
        raise ValueError(f"cannot cancel an order in {order['orderProgress']}")
    order["orderProgress"] = 900
    order["ChangeReasonModelList"].append(cancel_reason(state.next_id("changeId", 1), reason, at))
    if not state.config.order_decrements_inventory or restore_type == 2:
        return
    lines = [entry for entry in order_sku_lines(order) if restore_type == 1 or entry[3]["restoreInventoryFlag"] != 2]
    adjust_for_order(state, order, +1, at, lines)


def shipping_complete(order: dict[str, Any]) -> bool:
    """Every row of every basket has company, number and date — RMS's condition for 発送済."""
    rows = [row for package in order["PackageModelList"] for row in package["ShippingModelList"]]
    return bool(rows) and all(
        r.get("deliveryCompany") and r.get("shippingNumber") and r.get("shippingDate") for r in rows
    )


def tick(state: SandboxState, at: datetime) -> list[str]:
    """The nightly batch: 300 orders whose shipping is fully reported become 500."""
    moved = []
    for number, order in state.orders.items():
        if order["orderProgress"] == 300 and shipping_complete(order):
            order["orderProgress"] = 500
            order["shippingCmplRptDatetime"] = clock.format_order_dt(at)
            moved.append(number)
    if moved:
        state.orders.changed()
    return moved


def process_due_orders(state: SandboxState, at: datetime) -> None:
    """Rakuten's own 200 → 300 move, when `processing_delay_s` is set (checked lazily on each call)."""
    delay = state.config.processing_delay_s
    if delay is None:
        return
    for order in state.orders.values():
        if order["orderProgress"] != 200:
            continue
        confirmed = clock.parse_order_dt(order.get("shopOrderCfmDatetime"))
        if confirmed and at - confirmed >= timedelta(seconds=delay):
            finish_processing(order, at)
            state.orders.changed()
