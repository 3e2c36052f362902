"""Big backlogs: updateOrderShippingAsync, 100 orders per call, and its results (docs/rms.md §2.5).

The rows are marked 'sending' with ``UNKNOWN_REQUEST`` before the submit and with the requestId once RMS
names it, so a run that ends early leaves enough behind. Results are asked for a few times in the same run;
what is still missing is asked for again on later runs. Per order a result is what updateOrderShipping
would have answered. How long RMS takes is unconfirmed, so nothing is read back before ``patience()``
(``RAKUTEN_SHIPPING_READBACK_MINUTES``, 9 by default: the every-minute run reads back within 10 minutes)
has passed since the submit: a batch RMS applies late must not meet a second add. After that, the orders
are read back like any cut-off call, once, and a row RMS holds by then is adopted, never sent again.
RMS's "no result" answer for a requestId (200, an INFO code, no order) is only "no result yet" and waits
the same.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Sequence
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from orders.models import Shipment
from orders.models.shipment import UNKNOWN_REQUEST
from orders.shipping import Outcome, settle_report
from rakuten_link.rms import (
    AsyncShippingResult,
    RmsAuthError,
    RmsBatchRefusedError,
    RmsClient,
    RmsError,
    RmsRequestError,
)
from rakuten_link.rms.api_orders import SHIPPING_ASYNC_BATCH

from .outcome import Tally, apply_results, not_applied, refusals, refuse_rows, stop
from .plan import OrderPlan, Row, rows_as_sent
from .send import send_order

POLLS = 3  # result reads per request in the submitting run
POLL_INTERVAL = 2.0  # seconds between them


def patience() -> timedelta:
    """After this, a request without results (or whose requestId was lost) is read back with getOrder."""
    return timedelta(minutes=settings.RAKUTEN_SHIPPING_READBACK_MINUTES)


def send_batches(client: RmsClient, plans: Sequence[OrderPlan], tally: Tally) -> None:
    """Submit every plan in batches of 100 orders, then read the results while the run lasts."""
    submitted: dict[str, dict[str, OrderPlan]] = {}
    plans = [plan for plan in plans if plan.rows]
    for start in range(0, len(plans), SHIPPING_ASYNC_BATCH):
        chunk = plans[start:start + SHIPPING_ASYNC_BATCH]
        request_id = _submit(client, chunk, tally)
        if request_id:
            submitted[request_id] = {plan.order.order_number: plan for plan in chunk}
        if tally.stopped:
            break
    _poll(client, submitted, tally)


def _submit(client: RmsClient, chunk: list[OrderPlan], tally: Tally) -> str:
    shipments = [shipment for plan in chunk for shipment in plan.shipments]
    settle_report((s, Outcome.sending(UNKNOWN_REQUEST)) for s in shipments)
    tally.calls += 1
    try:
        request_id = client.update_order_shipping_async([(p.order.order_number, p.baskets()) for p in chunk])
    except RmsAuthError:
        raise
    except RmsRequestError as exc:
        _refused_batch(client, chunk, exc, tally)
        return ""
    except RmsError as exc:
        if not_applied(exc):
            _pending(shipments)
        stop(tally, exc)  # if it may have been applied, the requestId is lost: read back after patience()
        return ""
    settle_report((s, Outcome.submitted(request_id)) for s in shipments)
    return request_id


def _refused_batch(client: RmsClient, chunk: list[OrderPlan], exc: RmsRequestError, tally: Tally) -> None:
    """RMS refused the batch as a whole and applied nothing. The orders it named (HTTP 200 with ERRORs and
    no requestId, Rakuten's own example) are refused with its words, like a refused one-order call; the
    others go one by one at once, where RMS says which row, if any, is wrong."""
    named = exc.refused if isinstance(exc, RmsBatchRefusedError) else {}
    others: list[OrderPlan] = []
    settled: list[tuple[Shipment, Outcome]] = []
    for plan in chunk:
        entries = named.get(plan.order.order_number)
        if entries:
            settled += refusals(tally, plan.order.order_number, plan.rows, entries)
        else:
            settled += [(shipment, Outcome.pending()) for shipment in plan.shipments]
            others.append(plan)
    settle_report(settled)
    for plan in others:
        if not send_order(client, plan, tally):
            break


def _poll(client: RmsClient, submitted: dict[str, dict[str, OrderPlan]], tally: Tally) -> None:
    """Apply results as they come, exactly as the one-order call's answer; stop when all came or time's up."""
    for attempt in range(POLLS):
        for request_id, waiting in list(submitted.items()):
            results = _results(client, request_id, tally)
            for result in _answered(results or ()):
                plan = waiting.pop(result.order_number, None)
                if plan is not None:
                    _apply(plan.rows, result, tally)
            if results is None or not waiting:
                del submitted[request_id]  # done, or left to a later run
        if not submitted or attempt == POLLS - 1:
            return
        time.sleep(POLL_INTERVAL)


def _answered(results: Sequence[AsyncShippingResult]) -> list[AsyncShippingResult]:
    """Results that say something: an order listed without messages is taken as not processed yet."""
    return [result for result in results if result.results]


def _apply(rows: Sequence[Row], result: AsyncShippingResult, tally: Tally) -> None:
    if result.ok:
        apply_results(rows, result.results, tally)
    else:
        refuse_rows(tally, result.order_number, rows, result.results)


def _results(client: RmsClient, request_id: str, tally: Tally) -> list[AsyncShippingResult] | None:
    """The results so far; None when RMS cannot answer now (they are asked for again on a later run)."""
    tally.calls += 1
    try:
        return client.get_shipping_async_result(request_id)
    except RmsAuthError:
        raise
    except RmsError:
        return None


def settle_batches(client: RmsClient, shipments: Sequence[Shipment], tally: Tally,
                   hints: dict[int, int]) -> list[Shipment]:
    """Later runs: apply the results of earlier batches; return the shipments to read back with getOrder.

    ``hints`` receives, per shipment pk, the shippingDetailId a result gave its add (see ``read_back``).
    """
    by_request: dict[str, list[Shipment]] = defaultdict(list)
    for shipment in shipments:
        by_request[shipment.report_request].append(shipment)
    to_read: list[Shipment] = []
    for request_id, waiting in by_request.items():
        due = min(s.updated_at for s in waiting) <= timezone.now() - patience()
        if request_id == UNKNOWN_REQUEST:
            to_read += waiting if due else []
            continue
        tally.calls += 1
        try:
            results = client.get_shipping_async_result(request_id)
        except RmsRequestError:  # RMS refuses to look it up: it has nothing more to say about it
            to_read += waiting
            continue
        except RmsAuthError:
            raise
        except RmsError:
            continue
        to_read += _settle_request(results, waiting, due, tally, hints)
    return to_read


def _settle_request(results: list[AsyncShippingResult], waiting: list[Shipment], due: bool, tally: Tally,
                    hints: dict[int, int]) -> list[Shipment]:
    """Refusals are applied from the results (RMS applied nothing to those orders); an order RMS accepted is
    read back, which tells exactly what it holds even if a shipment changed since the submit, with the
    ids the result gave each add as hints."""
    by_order: dict[str, list[Shipment]] = defaultdict(list)
    for shipment in waiting:
        by_order[shipment.order.order_number].append(shipment)
    to_read: list[Shipment] = []
    for result in _answered(results):
        shipments = by_order.pop(result.order_number, [])
        if shipments and result.ok:
            to_read += shipments
            hints.update(_added_ids(shipments, result))
        elif shipments:
            refuse_rows(tally, result.order_number, rows_as_sent(shipments), result.results)
    if due:
        to_read += [s for shipments in by_order.values() for s in shipments]
    return to_read


def _added_ids(shipments: list[Shipment], result: AsyncShippingResult) -> dict[int, int]:
    """The shippingDetailId of each add, by dataNumber over the rows as they were sent."""
    rows = rows_as_sent(shipments)
    return {rows[r.data_number - 1].shipment.pk: r.shipping_detail_id for r in result.results
            if r.data_number and r.shipping_detail_id and 0 < r.data_number <= len(rows)
            and not rows[r.data_number - 1].shipment.external_id}


def _pending(shipments: list[Shipment]) -> None:
    settle_report((s, Outcome.pending()) for s in shipments)
