"""searchOrder's rules: request validation, the date window, filters and pagination.

Window rules (docs/rms.md §2.2): start within the past 730 days, end at most 63 days after start.
Only the first 15,000 hits can be paged through; the sandbox answers a page that starts beyond that
cap with 400 (ERROR_011) rather than an empty list, so a client that ignores the cap fails loudly
(the real behaviour there is UNCONFIRMED). totalRecordsAmount still reports every hit, which is how
a client can tell that it must narrow the window.

dateType mapping: 1 orderDatetime, 2 shopOrderCfmDatetime, 3 orderFixDatetime, 4 any shipping row's
shippingDate, 5 shippingCmplRptDatetime, 6 (決済確定日, no field in OrderModel) orderFixDatetime.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from ..http import is_int
from ..state import clock
from ..state.codes import ORDER_PROGRESS, SEARCH_ORDER
from .common import bad_format, empty_value, required

MAX_WINDOW = timedelta(days=63)
MAX_PAST = timedelta(days=730)
MAX_PAGE_SIZE = 1000
DEFAULT_PAGE_SIZE = 30
HIT_CAP = 15_000
DATE_FIELDS = {
    1: "orderDatetime",
    2: "shopOrderCfmDatetime",
    3: "orderFixDatetime",
    4: "",
    5: "shippingCmplRptDatetime",
    6: "orderFixDatetime",
}
FN = SEARCH_ORDER


@dataclass
class SearchQuery:
    date_type: int = 1
    start: datetime = field(default_factory=clock.now)
    end: datetime = field(default_factory=clock.now)
    page_size: int = DEFAULT_PAGE_SIZE
    page: int = 1
    descending: bool = False
    filters: dict[str, Any] = field(default_factory=dict)


def parse_query(body: dict[str, Any], at: datetime) -> tuple[SearchQuery, list[dict[str, Any]]]:
    """A SearchQuery plus every validation message (empty when the request is acceptable)."""
    errors: list[dict[str, Any]] = []
    query = SearchQuery()
    date_type = body.get("dateType")
    if date_type is None:
        errors.append(required(FN, "dateType"))
    elif not is_int(date_type) or date_type not in DATE_FIELDS:
        errors.append(bad_format(FN, "dateType"))
    else:
        query.date_type = date_type
    start = _datetime_field(body, "startDatetime", errors)
    end = _datetime_field(body, "endDatetime", errors)
    if start and end:
        query.start, query.end = start, end
        errors.extend(_window_errors(start, end, at))
    _pagination(body.get("PaginationRequestModel"), query, errors)
    query.filters = _filters(body, errors)
    return query, errors


def _datetime_field(body: dict[str, Any], name: str, errors: list[dict[str, Any]]) -> datetime | None:
    value = body.get(name)
    if value is None:
        errors.append(required(FN, name))
    elif value == "":
        errors.append(empty_value(FN, name))
    elif (parsed := clock.parse_order_dt(value)) is None:
        errors.append(bad_format(FN, name))
    else:
        return parsed
    return None


def _window_errors(start: datetime, end: datetime, at: datetime) -> list[dict[str, Any]]:
    if end < start:
        return [bad_format(FN, "endDatetime", "はstartDatetime以降の日時を指定して下さい。")]
    if end - start > MAX_WINDOW:
        return [bad_format(FN, "endDatetime", "はstartDatetimeから63日以内の日時を指定して下さい。")]
    if start < at - MAX_PAST:
        return [bad_format(FN, "startDatetime", "は過去730日以内の日時を指定して下さい。")]
    return []


def _pagination(model: Any, query: SearchQuery, errors: list[dict[str, Any]]) -> None:
    if model is None:
        return
    if not isinstance(model, dict):
        errors.append(bad_format(FN, "PaginationRequestModel"))
        return
    amount = model.get("requestRecordsAmount", DEFAULT_PAGE_SIZE)
    if not is_int(amount) or not 1 <= amount <= MAX_PAGE_SIZE:
        errors.append(bad_format(FN, "requestRecordsAmount", "は1以上1000以下で指定して下さい。"))
    else:
        query.page_size = amount
    page = model.get("requestPage", 1)
    if not is_int(page) or page < 1:
        errors.append(bad_format(FN, "requestPage"))
    else:
        query.page = page
    for sort in model.get("SortModelList") or ():
        if not isinstance(sort, dict) or sort.get("sortColumn") != 1 or sort.get("sortDirection") not in (1, 2):
            errors.append(bad_format(FN, "SortModelList"))
        else:
            query.descending = sort["sortDirection"] == 2


def _filters(body: dict[str, Any], errors: list[dict[str, Any]]) -> dict[str, Any]:
    filters: dict[str, Any] = {}
    for name in ("orderProgressList", "orderTypeList", "subStatusIdList"):
        values = body.get(name)
        if values is None:
            continue
        allowed = ORDER_PROGRESS if name == "orderProgressList" else None
        if not isinstance(values, list) or not all(is_int(v) and (allowed is None or v in allowed) for v in values):
            errors.append(bad_format(FN, name))
        elif values:
            filters[name] = set(values)
    for name in (
        "settlementMethod",
        "ordererMailAddress",
        "deliveryName",
        "shippingDateBlankFlag",
        "shippingNumberBlankFlag",
        "searchKeywordType",
        "searchKeyword",
    ):
        if body.get(name) not in (None, ""):
            filters[name] = body[name]
    return filters


def event_times(order: dict[str, Any], date_type: int) -> list[datetime]:
    if date_type == 4:
        dates = [
            clock.parse_date(row.get("shippingDate"))
            for p in order["PackageModelList"]
            for row in p["ShippingModelList"]
        ]
        return [datetime(d.year, d.month, d.day, tzinfo=clock.JST) for d in dates if d]
    value = clock.parse_order_dt(order.get(DATE_FIELDS[date_type]))
    return [value] if value else []


def matches(order: dict[str, Any], query: SearchQuery) -> bool:
    if not any(query.start <= t <= query.end for t in event_times(order, query.date_type)):
        return False
    f = query.filters
    rows = [row for p in order["PackageModelList"] for row in p["ShippingModelList"]]
    checks: tuple[tuple[str, Callable[[Any], bool]], ...] = (
        ("orderProgressList", lambda v: order["orderProgress"] in v),
        ("orderTypeList", lambda v: order["orderType"] in v),
        ("subStatusIdList", lambda v: (order["subStatusId"] if order["subStatusId"] is not None else -1) in v),
        ("settlementMethod", lambda v: order["SettlementModel"]["settlementMethodCode"] == v),
        ("ordererMailAddress", lambda v: order["OrdererModel"]["emailAddress"] == v),
        ("deliveryName", lambda v: order["DeliveryModel"]["deliveryName"] == v),
        ("shippingDateBlankFlag", lambda v: v != 1 or not any(r.get("shippingDate") for r in rows)),
        ("shippingNumberBlankFlag", lambda v: v != 1 or not any(r.get("shippingNumber") for r in rows)),
        ("searchKeyword", lambda v: _keyword_matches(order, f.get("searchKeywordType", 0), str(v))),
    )
    return all(test(f[name]) for name, test in checks if name in f)


def _keyword_matches(order: dict[str, Any], keyword_type: Any, keyword: str) -> bool:
    """Keyword types 1 商品名, 2 商品番号, 4 注文者氏名, 7 SKU管理番号, 8 システム連携用SKU番号; others match all."""
    lines = [line for p in order["PackageModelList"] for line in p["ItemModelList"]]
    skus = [sku for line in lines for sku in line.get("SkuModelList") or ()]
    orderer = order["OrdererModel"]
    haystacks = {
        1: [line["itemName"] for line in lines],
        2: [line["itemNumber"] for line in lines],
        4: [f"{orderer['familyName']}{orderer['firstName']}"],
        7: [sku.get("variantId") or "" for sku in skus],
        8: [sku.get("merchantDefinedSkuId") or "" for sku in skus],
    }
    if keyword_type not in haystacks:
        return True
    return any(keyword in text for text in haystacks[keyword_type])


def run(orders: list[dict[str, Any]], query: SearchQuery) -> list[str]:
    """Matching order numbers sorted by orderDatetime (then number, for a stable order)."""
    hits = [o for o in orders if matches(o, query)]
    hits.sort(key=lambda o: (o["orderDatetime"], o["orderNumber"]), reverse=query.descending)
    return [o["orderNumber"] for o in hits]
