"""The order list's "mark selected shipped": one parcel per single-package order, numbers by CSV later.

Orders this cannot serve are skipped and named, never half-shipped: several packages (each needs its own
parcel, on the order page or in the CSV), cancelled, or already shipped (a parcel recorded here, or RMS
reports the goods gone). The parcels are reported to RMS by the shipments job once their tracking numbers
have come in by CSV, which fills in these same rows instead of adding second ones.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _

from inventory.models import Store
from orders.models import SHIPPED_PROGRESS, Order, OrderProgress, OrderState, Shipment
from orders.shipping import ShippingError, ship_order


@dataclass
class BulkShipResult:
    shipped: list[Order] = field(default_factory=list)
    several_packages: list[str] = field(default_factory=list)
    cancelled: list[str] = field(default_factory=list)
    already_shipped: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # "number: why" (ShippingError)


def ship_selected(orders: Iterable[Order], *, delivery_company: str, shipped_on: date, store: Store | None,
                  user=None) -> BulkShipResult:
    result = BulkShipResult()
    for order in orders:
        skip = _skip_list(order, result)
        if skip is not None:
            skip.append(order.order_number)
            continue
        try:
            ship_order(order, delivery_company=delivery_company, shipped_on=shipped_on, store=store, user=user)
        except ShippingError as exc:
            result.refused.append(f"{order.order_number}: {exc}")
        else:
            result.shipped.append(order)
    return result


def _skip_list(order: Order, result: BulkShipResult) -> list[str] | None:
    """The list an order is skipped into, or None when it can take one parcel now."""
    if order.state == OrderState.CANCELLED or order.order_progress == OrderProgress.CANCELLED:
        return result.cancelled
    if order.state == OrderState.SHIPPED or order.order_progress in SHIPPED_PROGRESS or \
            Shipment.objects.filter(order=order, deleted=False).exists():
        return result.already_shipped
    if order.packages.count() != 1:
        return result.several_packages
    return None


def skipped_messages(result: BulkShipResult, numbers_text) -> list[str]:
    """One sentence per reason, naming the orders."""
    groups = (
        (result.several_packages, _("Skipped, several packages (ship each package on the order page or by "
                                    "CSV): %(numbers)s")),
        (result.cancelled, _("Skipped, cancelled: %(numbers)s")),
        (result.already_shipped, _("Skipped, already shipped: %(numbers)s")),
        (result.refused, _("Not shipped: %(numbers)s")),
    )
    return [text % {"numbers": numbers_text(numbers)} for numbers, text in groups if numbers]
