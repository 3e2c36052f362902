"""RakutenPay order API functions of ``RmsClient`` (docs/rms.md §2). All are POSTs on
``/es/2.0/order/<function>/`` (trailing slash kept, as in the official samples) in the "order" rate family.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timedelta
from typing import Any

from .coerce import camel_case, chunks, unique
from .dates import format_date, format_order_datetime, to_jst
from .errors import RmsBatchRefusedError, RmsError, RmsRequestError, error_details
from .parse_orders import (
    messages,
    parse_async_refusals,
    parse_async_request_id,
    parse_async_shipping_results,
    parse_changed_orders,
    parse_confirm_results,
    parse_orders,
    parse_search_page,
    parse_shipping_results,
)
from .transport import Outcome
from .types import AsyncShippingResult, ConfirmResult, RmsOrder, SearchOrderPage, ShippingUpdateResult

logger = logging.getLogger(__name__)

SEARCH_MAX_PER_PAGE = 1000
SEARCH_HIT_CAP = 15_000  # only the first 15 000 hits of a search can be paged through (§2.2)
# searchOrder allows end <= start + 63 days; 62 leaves room for any rounding on RMS's side.
SEARCH_WINDOW = timedelta(days=62)
ORDER_BATCH = 100  # getOrder / confirmOrder accept at most 100 numbers (§2.3, §2.4)
SHIPPINGS_PER_BASKET = 20  # §2.5
SHIPPING_ASYNC_BATCH = 100  # updateOrderShippingAsync takes at most 100 orders (§2.5)
_SECOND = timedelta(seconds=1)


def _order_path(function: str) -> str:
    return f"/es/2.0/order/{function}/"


def split_windows(start: datetime, end: datetime, size: timedelta) -> list[tuple[datetime, datetime]]:
    """Cut [start, end] (inclusive, whole seconds) into consecutive windows no longer than ``size``."""
    start, end = to_jst(start).replace(microsecond=0), to_jst(end).replace(microsecond=0)
    windows = []
    while start <= end:
        window_end = min(start + size, end)
        windows.append((start, window_end))
        start = window_end + _SECOND
    return windows


class OrderApi:
    """Order API methods; mixed into ``RmsClient``, which provides ``_request``."""

    _request: Callable[..., Outcome]

    def _order_call(self, function: str, body: dict[str, Any], *, idempotent: bool = True) -> Outcome:
        function_id = f"rpay.order.{function}"  # the id RMS's 利用機能編集 screen shows (§1.2)
        return self._request("order", function_id, "POST", _order_path(function), json=body, idempotent=idempotent)

    def search_orders(
        self,
        *,
        date_type: int,
        start: datetime,
        end: datetime,
        order_progress_list: Sequence[int] | None = None,
        page: int = 1,
        per_page: int = SEARCH_MAX_PER_PAGE,
        sort_desc: bool = False,
        **filters: Any,
    ) -> SearchOrderPage:
        """searchOrder (§2.2): one page of order numbers, sorted by order datetime.

        ``filters`` are further request fields, in snake_case or RMS camelCase (``sub_status_id_list``,
        ``settlementMethod``...). Naive datetimes are taken as JST.
        """
        body: dict[str, Any] = {
            "dateType": date_type,
            "startDatetime": format_order_datetime(start),
            "endDatetime": format_order_datetime(end),
        }
        if order_progress_list:
            body["orderProgressList"] = [int(p) for p in order_progress_list]
        body.update({camel_case(k): v for k, v in filters.items() if v is not None})
        body["PaginationRequestModel"] = {
            "requestRecordsAmount": max(1, min(per_page, SEARCH_MAX_PER_PAGE)),
            "requestPage": page,
            "SortModelList": [{"sortColumn": 1, "sortDirection": 2 if sort_desc else 1}],
        }
        return parse_search_page(self._order_call("searchOrder", body).body, page)

    def iter_order_numbers(
        self,
        *,
        date_type: int,
        start: datetime,
        end: datetime,
        order_progress_list: Sequence[int] | None = None,
        per_page: int = SEARCH_MAX_PER_PAGE,
    ) -> Iterator[str]:
        """All order numbers of searchOrder over [start, end], however long the range (§2.2).

        RMS caps a search at 63 days and 15 000 retrievable hits, so the range is cut into 62-day windows
        and any window reporting more than 15 000 hits is bisected in time. Windows go oldest first, pages
        ascending; a number is yielded once even if RMS lists it in two windows. Pages are offsets, so an
        order leaving ``order_progress_list`` mid-walk can shift a later page: run again to catch up.
        """
        seen: set[str] = set()
        query = {"date_type": date_type, "order_progress_list": order_progress_list, "per_page": per_page}
        for window_start, window_end in split_windows(start, end, SEARCH_WINDOW):
            for number in self._walk_window(window_start, window_end, query):
                if number not in seen:
                    seen.add(number)
                    yield number

    def _walk_window(self, start: datetime, end: datetime, query: dict[str, Any]) -> Iterator[str]:
        first = self.search_orders(start=start, end=end, page=1, **query)
        if first.total_records > SEARCH_HIT_CAP and end - start >= _SECOND:
            middle = (start + (end - start) // 2).replace(microsecond=0)
            yield from self._walk_window(start, middle, query)
            yield from self._walk_window(middle + _SECOND, end, query)
            return
        if first.total_records > SEARCH_HIT_CAP:
            logger.warning(
                "RMS searchOrder: %d hits within one second at %s; only 15000 readable",
                first.total_records,
                start.isoformat(),
            )
        yield from first.order_numbers
        per_page = max(1, min(query["per_page"], SEARCH_MAX_PER_PAGE))
        last_page = min(first.total_pages, -(-SEARCH_HIT_CAP // per_page))
        for page in range(2, last_page + 1):
            numbers = self.search_orders(start=start, end=end, page=page, **query).order_numbers
            if not numbers:
                break
            yield from numbers

    def get_orders(self, order_numbers: Sequence[str], *, version: int = 7) -> list[RmsOrder]:
        """getOrder (§2.3): full orders, 100 numbers per call; unknown numbers are simply absent.

        ``version`` 7 is the first with SKU data (``SkuModelList``); RMS rejects calls without one.
        """
        orders: list[RmsOrder] = []
        for batch in chunks(unique(order_numbers), ORDER_BATCH):
            outcome = self._order_call("getOrder", {"orderNumberList": batch, "version": version})
            orders.extend(parse_orders(outcome.body))
        return orders

    def get_changed_orders(self, order_numbers: Sequence[str], same: Callable[[str, dict[str, Any]], bool], *,
                           version: int = 7) -> tuple[list[RmsOrder], list[str]]:
        """getOrder that parses only the orders the caller does not already hold: those for which
        ``same(orderNumber, OrderModel)`` is true come back as numbers. (Parsing every order was most of the
        open-order refresh's own time when nothing had changed.)"""
        orders: list[RmsOrder] = []
        unchanged: list[str] = []
        for batch in chunks(unique(order_numbers), ORDER_BATCH):
            outcome = self._order_call("getOrder", {"orderNumberList": batch, "version": version})
            parsed, known = parse_changed_orders(outcome.body, same)
            orders += parsed
            unchanged += known
        return orders, unchanged

    def confirm_orders(self, order_numbers: Sequence[str]) -> list[ConfirmResult]:
        """confirmOrder (§2.4): move orders 100 → 200, 100 per call, one result per number.

        Per-order refusals (already cancelled, status moved on) come back as results with ``ok=False``,
        also when RMS answers the whole batch with HTTP 400.
        """
        results: list[ConfirmResult] = []
        for batch in chunks(unique(order_numbers), ORDER_BATCH):
            try:
                body = self._order_call("confirmOrder", {"orderNumberList": batch}).body
            except RmsRequestError as exc:
                if not any(m.get("orderNumber") for m in messages(exc.body)):
                    raise
                body = exc.body
            results.extend(parse_confirm_results(body, batch))
        return results

    def update_order_shipping(self, order_number: str, baskets: Sequence[dict[str, Any]]) -> list[ShippingUpdateResult]:
        """updateOrderShipping (§2.5): add, change or delete tracking rows of one order.

        ``baskets`` = ``[{"basket_id": 1, "shippings": [{"delivery_company": "1001", "shipping_number":
        "1234", "shipping_date": date, "shipping_detail_id": None, "shipping_delete_flag": 0}]}]``.
        A row without ``shipping_detail_id`` is added; with one it is updated, or deleted with
        ``shipping_delete_flag`` 1. None values are left out (RMS keeps the old value) while "" clears it.
        Only a call that just updates rows is repeated after an ambiguous failure (timeout, dropped
        connection): a repeated add makes a second row, and a repeated delete is refused because the row
        is gone, so either raises instead; read the order back with ``get_orders`` before sending again.
        """
        models = _basket_models(baskets)
        body = {"orderNumber": order_number, "BasketidModelList": models}
        outcome = self._order_call("updateOrderShipping", body, idempotent=_only_updates(models))
        return parse_shipping_results(outcome.body)

    def update_order_shipping_async(self, orders: Sequence[tuple[str, Sequence[dict[str, Any]]]]) -> str:
        """updateOrderShippingAsync (§2.5): ``update_order_shipping`` for up to 100 orders in one call.

        ``orders`` = ``[(order_number, baskets), ...]``, ``baskets`` as for ``update_order_shipping``, each
        order number once. Returns the requestId for ``get_shipping_async_result``. Never repeated after an
        ambiguous failure, whatever the rows: the answer is the only place the requestId is given, so a
        blind repeat could apply the batch twice. Read the orders back with ``get_orders`` instead.
        RMS may refuse the whole batch with HTTP 200, ERROR entries and no requestId: that raises
        ``RmsBatchRefusedError`` (nothing was applied), naming each refused order's errors. A 200 with
        neither a requestId nor an ERROR raises a plain ``RmsError``: the batch may have been applied.
        """
        if not orders:
            raise ValueError("update_order_shipping_async needs at least one order")
        if len(orders) > SHIPPING_ASYNC_BATCH:
            raise ValueError(f"RMS accepts at most {SHIPPING_ASYNC_BATCH} orders per call, got {len(orders)}")
        numbers = [number for number, _ in orders]
        if len(set(numbers)) != len(numbers):
            raise ValueError("RMS refuses an order number given twice in one call")
        models = [{"orderNumber": number, "BasketidModelList": _basket_models(baskets)} for number, baskets in orders]
        body = {"OrderShippingModelList": models}
        outcome = self._order_call("updateOrderShippingAsync", body, idempotent=False)
        request_id = parse_async_request_id(outcome.body)
        if request_id:
            return request_id
        details = error_details(outcome.body)
        if details:
            text = "; ".join(f"{d.code}: {d.message}" for d in details[:5])
            raise RmsBatchRefusedError(f"RMS updateOrderShippingAsync refused the batch (HTTP 200): {text}",
                                       http_status=200, code=details[0].code, errors=details, body=outcome.body,
                                       refused=parse_async_refusals(outcome.body))
        raise RmsError("RMS updateOrderShippingAsync: accepted without a requestId", body=outcome.body)

    def get_shipping_async_result(self, request_id: str) -> list[AsyncShippingResult]:
        """getResultUpdateOrderShippingAsync (§2.5): per order, what updateOrderShipping would have answered.

        A read, so safe to repeat. An order with ``ok=False`` had nothing applied; its ``results`` hold
        RMS's errors. Orders missing from the list (or an empty list) may not be processed yet: how long
        RMS takes is unconfirmed, so ask again later. Results are kept 30 days. RMS answers a requestId it
        has no result for (unknown, expired, or perhaps not processed yet: it does not say which) with
        HTTP 200, an INFO code and an entry naming no order; that returns an empty list, "no result yet",
        never a result with an empty order number. A malformed request id raises ``RmsRequestError``.
        """
        outcome = self._order_call("getResultUpdateOrderShippingAsync", {"requestId": request_id})
        return parse_async_shipping_results(outcome.body)

    def cancel_order(self, order_number: str, *, inventory_restore_type: int = 0, reason_code: int = 10) -> None:
        """cancelOrder (§2.6): cancel an order in status 100/200/300.

        ``inventory_restore_type`` 0 follows the item setting, 1 restores stock, 2 does not;
        ``reason_code`` is ``changeReasonDetailApply`` (10 = shop side, その他).
        """
        body = {
            "orderNumber": order_number,
            "inventoryRestoreType": inventory_restore_type,
            "changeReasonDetailApply": reason_code,
        }
        self._order_call("cancelOrder", body)


_SHIPPING_FIELDS = (
    ("shipping_detail_id", "shippingDetailId", int),
    ("delivery_company", "deliveryCompany", str),
    ("shipping_number", "shippingNumber", str),
    ("shipping_date", "shippingDate", format_date),
    ("shipping_delete_flag", "shippingDeleteFlag", int),
)


def _basket_models(baskets: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    models = [_basket_model(b) for b in baskets]
    if not models:
        raise ValueError("a shipping update needs at least one basket")
    return models


def _only_updates(models: list[dict[str, Any]]) -> bool:
    """Every row names its shippingDetailId and deletes nothing: sending it twice leaves RMS the same."""
    rows = [row for model in models for row in model["ShippingModelList"]]
    return all("shippingDetailId" in row and row.get("shippingDeleteFlag") != 1 for row in rows)


def _basket_model(basket: dict[str, Any]) -> dict[str, Any]:
    shippings = list(basket.get("shippings") or [])
    if len(shippings) > SHIPPINGS_PER_BASKET:
        raise ValueError(f"RMS accepts at most {SHIPPINGS_PER_BASKET} shipping rows per basket")
    rows = []
    for shipping in shippings:
        row = {}
        for key, rms_key, convert in _SHIPPING_FIELDS:
            if shipping.get(key) is not None:
                row[rms_key] = convert(shipping[key])
        rows.append(row)
    return {"basketId": int(basket["basket_id"]), "ShippingModelList": rows}
