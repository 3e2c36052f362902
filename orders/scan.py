"""Scan-to-ship (検品): an order's barcode, then each unit's JAN or SKU code, checked against what it holds.

Every scan is a timeline row (``SCANNED`` for a unit that belongs, ``SCAN_REFUSED`` for one that does not), and
what has been scanned is read back from those rows, so a page reloaded or a second desk sees the same count.
When every unit is scanned, each package without a parcel gets one through ``orders.shipping.record_shipment``
(with the tracking number scanned from its label, or none, for the label import to fill in later).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from . import timeline
from .models import EventKind, Order, OrderEvent, OrderLine, OrderState, Shipment
from .shipping import record_shipment


class ScanError(Exception):
    """A scan refused: a wrong item, an unknown order, an order that is not ready to pack."""


@dataclass
class ScanLine:
    line: OrderLine
    scanned: int

    @property
    def needed(self) -> int:
        return self.line.units - self.line.shipped_units

    @property
    def missing(self) -> int:
        return max(self.needed - self.scanned, 0)

    def as_dict(self) -> dict:
        sku = self.line.sku
        return {"sku": sku.code if sku else "", "jan": sku.jan_code if sku else "", "name": self.line.name,
                "basket": self.line.package.basket_id if self.line.package else None,
                "needed": self.needed, "scanned": self.scanned, "missing": self.missing}


def _code(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").strip()


def find_order(code: str) -> Order:
    """The order whose number was scanned, ready to pack (allocated); ScanError otherwise."""
    number = _code(code)
    found = list(Order.objects.filter(order_number=number).select_related("account")[:2])
    if len(found) != 1:
        raise ScanError(_("No order has the number %(code)s.") % {"code": number} if not found
                        else _("Several accounts have an order %(code)s.") % {"code": number})
    order = found[0]
    if order.state != OrderState.ALLOCATED:
        raise ScanError(_("Order %(number)s is %(state)s: only allocated orders are packed.")
                        % {"number": order.order_number, "state": order.get_state_display()})
    return order


def lines_of(order: Order) -> list[ScanLine]:
    """The order's live lines with their scanned units, counted from the timeline."""
    lines = [line for line in order.lines.select_related("sku", "package") if not line.removed]
    counts: dict[int, int] = {}
    for data in OrderEvent.objects.filter(order=order, kind=EventKind.SCANNED).values_list("data", flat=True):
        counts[data.get("line")] = counts.get(data.get("line"), 0) + 1
    return [ScanLine(line, counts.get(line.pk, 0)) for line in lines]


def is_complete(lines: list[ScanLine]) -> bool:
    return all(line.missing == 0 for line in lines)


def scan_item(order: Order, code: str, *, user=None) -> list[ScanLine]:
    """One unit scanned; a code that matches no missing unit is logged as refused and raises ScanError.

    The refusal is written outside the scan's transaction, so the error does not roll its own row back.
    """
    value = _code(code)
    with transaction.atomic():
        Order.objects.select_for_update().filter(pk=order.pk).first()  # two desks on one order: one at a time
        lines = lines_of(order)
        matching = [s for s in lines if s.line.sku and value in (s.line.sku.code, s.line.sku.jan_code)]
        target = next((s for s in matching if s.missing), None)
        if target is not None and target.line.sku is not None:
            timeline.log([order], EventKind.SCANNED, data={"line": target.line.pk, "sku": target.line.sku.code,
                                                           "code": value}, user=user)
            target.scanned += 1
            return lines
    timeline.log([order], EventKind.SCAN_REFUSED, data={"code": value}, user=user)
    message = (_("%(code)s: every unit of this item is already scanned.") if matching
               else _("%(code)s is not in order %(number)s.")) % {"code": value, "number": order.order_number}
    raise ScanError(message)


@transaction.atomic
def ship_scanned(order: Order, *, delivery_company: str, shipped_on: date, tracking: dict[int, str],
                 user=None) -> list[Shipment]:
    """A parcel for each package without one (``tracking``: basket id → number, "" for none yet)."""
    if not is_complete(lines_of(order)):
        raise ScanError(_("Order %(number)s still has units to scan.") % {"number": order.order_number})
    shipped = set(Shipment.objects.filter(order=order, deleted=False).values_list("package_id", flat=True))
    return [record_shipment(package=package, delivery_company=delivery_company, shipped_on=shipped_on,
                            tracking_number=tracking.get(package.basket_id, ""), user=user)
            for package in order.packages.order_by("basket_id") if package.pk not in shipped
            and package.lines.filter(removed=False).exists()]
