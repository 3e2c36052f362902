"""Read back: the orders of shipments left 'sending' (a call cut off, a worker gone) as RMS holds them now.

Never send again before knowing what RMS did (docs/rms.md §2.5): a repeated add makes a second row. Per
shipment, with the getOrder rows of its basket:
- it has a shippingDetailId: that row gone and the shipment deleted → reported; the row holds our values
  → reported; otherwise → pending, so the difference goes out as an update of that row;
- it has none: a row with the same carrier, number and date that no other shipment of ours holds is
  adopted (the cut-off add was applied); none → pending, sent again as an add. When a batch's results
  named the row's shippingDetailId (``hints``), that row is adopted whatever its values, since staff may
  have corrected the shipment after the batch went.
An order RMS does not return stays 'sending' and is asked about again on the next run.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from orders.models import Shipment
from orders.shipping import Outcome, settle_report
from rakuten_link.rms import RmsClient, RmsOrder, RmsShipping
from rakuten_link.rms.api_orders import ORDER_BATCH

from .outcome import Tally

logger = logging.getLogger(__name__)


def read_back(client: RmsClient, shipments: Sequence[Shipment], tally: Tally,
              hints: Mapping[int, int] | None = None) -> None:
    """Settle every given 'sending' shipment from what getOrder says (at most 100 orders per call).

    ``hints`` maps a shipment's pk to the shippingDetailId a batch result gave its add.
    """
    if not shipments:
        return
    numbers = sorted({s.order.order_number for s in shipments})
    tally.calls += -(-len(numbers) // ORDER_BATCH)
    held = {order.order_number: order for order in client.get_orders(numbers)}
    by_order: dict[str, list[Shipment]] = defaultdict(list)
    for shipment in shipments:
        by_order[shipment.order.order_number].append(shipment)
    for number, order_shipments in by_order.items():
        if number in held:
            _settle_order(held[number], order_shipments, tally, hints or {})
        else:
            logger.warning("RMS getOrder did not return order %s; its shipments stay 'sending'", number)


def values_of(row: RmsShipping) -> dict[str, str]:
    """An RMS row in ``Shipment.values`` terms, so the two compare directly."""
    return {"delivery_company": row.delivery_company, "tracking_number": row.shipping_number,
            "shipped_on": row.shipping_date.isoformat() if row.shipping_date else ""}


def _settle_order(order: RmsOrder, shipments: list[Shipment], tally: Tally, hints: Mapping[int, int]) -> None:
    """What RMS holds settles the order's shipments in one call."""
    rows = {package.basket_id: package.shippings for package in order.packages}
    claimed = _ids_we_hold(shipments[0].order_id)
    settled: list[tuple[Shipment, Outcome]] = []
    for shipment in sorted(shipments, key=lambda s: (s.pk not in hints, s.created_at, s.pk)):
        basket_rows = rows.get(shipment.package.basket_id, [])
        if shipment.external_id:
            outcome = _known(shipment, basket_rows)
        else:
            outcome = _new(shipment, basket_rows, claimed, tally, hints.get(shipment.pk))
        settled.append((shipment, outcome))
        tally.read_back += 1
    settle_report(settled)


def _known(shipment: Shipment, rows: Iterable[RmsShipping]) -> Outcome:
    row = next((r for r in rows if str(r.shipping_detail_id) == shipment.external_id), None)
    if row is None:  # the deletion was applied; or the row is gone, so it is sent again
        return Outcome.reported() if shipment.deleted else Outcome.pending()
    return Outcome.held(shipment.external_id, values_of(row))  # reported if equal, else pending


def _new(shipment: Shipment, rows: Iterable[RmsShipping], claimed: set[str], tally: Tally,
         hint: int | None) -> Outcome:
    free = [r for r in rows if r.shipping_detail_id is not None and str(r.shipping_detail_id) not in claimed]
    row = next((r for r in free if r.shipping_detail_id == hint), None) if hint is not None else None
    row = row or next((r for r in free if values_of(r) == shipment.values), None)
    if row is None:
        return Outcome.pending()  # RMS never applied the add: send it again (or drop it, if deleted meanwhile)
    detail_id = str(row.shipping_detail_id)
    claimed.add(detail_id)
    tally.adopted += 1
    return Outcome.held(detail_id, values_of(row))


def _ids_we_hold(order_id: int) -> set[str]:
    """shippingDetailIds already held by a shipment of the order: those rows are not free to adopt."""
    return set(Shipment.objects.filter(order_id=order_id).exclude(external_id="")
               .values_list("external_id", flat=True))
