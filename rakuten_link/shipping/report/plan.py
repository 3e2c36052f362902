"""What one order's updateOrderShipping says: its pending shipments as rows, grouped by basket.

Rows go in a fixed order (basket id, then when the shipment was recorded), because RMS answers by
``dataNumber``, the 1-based position of a row over the whole call: the same order rebuilt later from the
shipments left 'sending' maps a batch's answer back to the same shipments. A basket may hold at most 20
rows in RMS (docs/rms.md §2.5); adds that would pass that are refused here, before anything is sent, or
wait for the next run when a deletion in the same call makes room.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count
from django.utils.translation import gettext as _

from orders.models import MAX_SHIPMENTS_PER_PACKAGE, Order, ReportState, Shipment
from orders.models.shipment import validate_tracking_number

ADD, CORRECT, DELETE = "add", "correct", "delete"


@dataclass
class Row:
    """One shipping row of a call: a new row, a correction of a row RMS holds, or its deletion."""

    shipment: Shipment
    kind: str

    @property
    def basket_id(self) -> int:
        return self.shipment.package.basket_id

    def as_request(self) -> dict[str, Any]:
        """The row in the client's terms; a correction sends all three values, not just the changed one."""
        shipment = self.shipment
        if self.kind == DELETE:
            return {"shipping_detail_id": shipment.external_id, "shipping_delete_flag": 1}
        row: dict[str, Any] = {"delivery_company": shipment.delivery_company,
                               "shipping_number": shipment.tracking_number, "shipping_date": shipment.shipped_on}
        if self.kind == CORRECT:
            row["shipping_detail_id"] = shipment.external_id
        return row


@dataclass
class OrderPlan:
    """One order's call: ``rows`` to send (in dataNumber order) and what was settled without a call."""

    order: Order
    rows: list[Row] = field(default_factory=list)
    refused: list[tuple[Row, str]] = field(default_factory=list)  # over the per-basket limit
    forgotten: list[Shipment] = field(default_factory=list)  # deleted before RMS ever held them
    unchanged: list[Shipment] = field(default_factory=list)  # pending, yet RMS already holds these values

    @property
    def shipments(self) -> list[Shipment]:
        return [row.shipment for row in self.rows]

    def baskets(self) -> list[dict[str, Any]]:
        """``update_order_shipping``'s baskets; rows are sorted by basket, so grouping keeps their order."""
        grouped: dict[int, list[dict[str, Any]]] = {}
        for row in self.rows:
            grouped.setdefault(row.basket_id, []).append(row.as_request())
        return [{"basket_id": basket, "shippings": shippings} for basket, shippings in grouped.items()]


def kind_of(shipment: Shipment) -> str | None:
    """What a pending shipment asks of RMS; None when nothing (deleted before RMS held it)."""
    if not shipment.external_id:
        return None if shipment.deleted else ADD
    return DELETE if shipment.deleted else CORRECT


def in_sending_order(shipments: Iterable[Shipment]) -> list[Shipment]:
    """Shipments in the order their rows go in a call (see the module docstring)."""
    return sorted(shipments, key=lambda s: (s.package.basket_id, s.created_at, s.pk))


def rows_as_sent(shipments: Iterable[Shipment]) -> list[Row]:
    """The rows of a call rebuilt from the shipments it left 'sending' (for a batch read in a later run)."""
    return [Row(s, kind_of(s) or ADD) for s in in_sending_order(shipments)]


def plan_orders(account) -> list[OrderPlan]:
    """A plan per order with pending shipments; orders with a call still unresolved wait for its read-back."""
    pending = list(Shipment.objects.filter(order__account=account, report_state=ReportState.PENDING)
                   .exclude(order__in=Order.objects.filter(shipments__report_state=ReportState.SENDING))
                   .select_related("order", "package"))
    by_order: dict[int, list[Shipment]] = defaultdict(list)
    for shipment in pending:
        by_order[shipment.order_id].append(shipment)
    held = rows_held(by_order)
    plans = [_plan(shipments[0].order, shipments, held) for shipments in by_order.values()]
    return sorted(plans, key=lambda plan: (plan.order.ordered_at, plan.order.pk))


def rows_held(order_ids: Iterable[int]) -> dict[int, int]:
    """Per package, the rows RMS holds as far as we know: every shipment with an id not yet reported gone."""
    counted = (Shipment.objects.filter(order_id__in=list(order_ids)).exclude(external_id="")
               .exclude(deleted=True, report_state=ReportState.REPORTED)
               .values("package_id").annotate(n=Count("id")))
    return {entry["package_id"]: entry["n"] for entry in counted}


def _plan(order: Order, shipments: list[Shipment], held: dict[int, int]) -> OrderPlan:
    plan = OrderPlan(order=order)
    baskets: dict[int, list[Row]] = defaultdict(list)
    for shipment in in_sending_order(shipments):
        kind = kind_of(shipment)
        if kind is None:
            plan.forgotten.append(shipment)
        elif kind == CORRECT and not shipment.needs_report:
            plan.unchanged.append(shipment)
        elif kind != DELETE and (problem := _number_problem(shipment)):
            plan.refused.append((Row(shipment, kind), problem))
        else:
            baskets[shipment.package_id].append(Row(shipment, kind))
    for package_id, rows in baskets.items():
        plan.rows += _within_limit(plan, rows, held.get(package_id, 0))
    return plan


def _number_problem(shipment: Shipment) -> str | None:
    """A stored number carriers never issue (saved before numbers were checked, or past orders.shipping)."""
    try:
        validate_tracking_number(shipment.tracking_number)
    except ValidationError as exc:
        return _("%(problem)s Correct it on the order page; it is sent at the next report.") % {
            "problem": " ".join(exc.messages)}
    return None


def _within_limit(plan: OrderPlan, rows: list[Row], held: int) -> list[Row]:
    """The basket's rows that fit; the adds past the limit are refused, or wait when a deletion makes room."""
    adds = [row for row in rows if row.kind == ADD]
    room = max(0, MAX_SHIPMENTS_PER_PACKAGE - held)
    excess = adds[room:]
    if excess and not any(row.kind == DELETE for row in rows):
        basket = rows[0].basket_id
        message = _("Package %(basket)s would hold more than %(max)d tracking rows in RMS, the most it accepts. "
                    "Delete another shipment of this package first, then save this one again to send it.") % {
            "basket": basket, "max": MAX_SHIPMENTS_PER_PACKAGE}
        plan.refused += [(row, message) for row in excess]
    waiting = {id(row) for row in excess}
    kept = [row for row in rows if id(row) not in waiting]
    return kept[:MAX_SHIPMENTS_PER_PACKAGE]  # a request carries at most 20 rows per basket, whatever they do
