"""Orders changed since a cursor: keyset pages on (updated_at, id), each order with lines, packages, parcels.

The cursor is the (updated_at, id) of the last order sent, so a page never skips or repeats a row when
others change meanwhile (a changed order moves to the end and comes again, which is what a follower wants).
``updated_at`` is stamped when the row is saved, before its transaction commits: an order saved in a
transaction that commits late could carry a stamp older than a cursor already handed out. Orders are
therefore listed only once their stamp is ``API_ORDERS_SETTLE_SECONDS`` old, longer than any order write.
"""

from __future__ import annotations

import base64
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from orders.models import Order, OrderLine, Shipment

from .models import ApiToken
from .problems import ApiProblem, FieldError


def encode(at: datetime, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{at.isoformat()}|{pk}".encode()).decode().rstrip("=")


def decode(cursor: str) -> tuple[datetime, int]:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        at, pk = text.split("|")
        parsed = datetime.fromisoformat(at)
        if parsed.tzinfo is None:
            raise ValueError(at)
        return parsed, int(pk)
    except ValueError:
        error = FieldError("invalid_cursor", _("This cursor was not made by this API: use next_cursor as given."),
                           "cursor")
        raise ApiProblem(422, "invalid_cursor", error.detail, [error]) from None


def order_page(token: ApiToken, *, cursor: str | None, limit: int) -> dict[str, Any]:
    settled = timezone.now() - timedelta(seconds=settings.API_ORDERS_SETTLE_SECONDS)
    orders = Order.objects.select_related("account").defer("raw", "tax_summary").filter(updated_at__lte=settled)
    if cursor:
        at, pk = decode(cursor)
        orders = orders.filter(Q(updated_at__gt=at) | Q(updated_at=at, pk__gt=pk))
    if token.store_id is not None:
        orders = orders.filter(account__stores=token.store_id).distinct()
    lines = OrderLine.objects.select_related("sku").order_by("id")
    parcels = Shipment.objects.order_by("id")
    page = list(orders.order_by("updated_at", "pk").prefetch_related(
        Prefetch("lines", queryset=lines), "packages", Prefetch("shipments", queryset=parcels))[:limit])
    last = page[-1] if page else None
    return {"orders": [_order(o) for o in page],
            "next_cursor": encode(last.updated_at, last.pk) if last else cursor}


def _order(order: Order) -> dict[str, Any]:
    baskets: dict[int | None, int] = {p.pk: p.basket_id for p in order.packages.all()}
    return {
        "order_number": order.order_number, "account": order.account.name, "state": order.state,
        "rakuten_status": order.order_progress, "ordered_at": order.ordered_at, "updated_at": order.updated_at,
        "attention_reasons": order.attention_reasons, "total_price": order.total_price,
        "lines": [{"item_detail_id": line.item_detail_id, "basket_id": baskets.get(line.package_id),
                   "sku": line.sku.code if line.sku else None,
                   "manage_number": line.manage_number, "variant_id": line.variant_id, "name": line.name,
                   "price": line.price, "units": line.units, "allocated_units": line.allocated_units,
                   "shipped_units": line.shipped_units, "needs_attention": line.needs_attention,
                   "removed": line.removed} for line in order.lines.all()],
        "packages": [{"basket_id": p.basket_id, "recipient_name": p.recipient_name, "recipient_zip": p.recipient_zip,
                      "recipient_address": p.recipient_address, "recipient_phone": p.recipient_phone}
                     for p in order.packages.all()],
        "shipments": [{"id": s.pk, "basket_id": baskets.get(s.package_id), "carrier": s.delivery_company,
                       "tracking_number": s.tracking_number, "shipped_on": s.shipped_on,
                       "report_state": s.report_state, "reported_at": s.reported_at, "deleted": s.deleted}
                      for s in order.shipments.all()],
    }
