"""RakutenPay order API (楽天ペイ受注API): searchOrder, getOrder, confirmOrder, cancelOrder.

Codes marked "sandbox" below are our choice where RMS's is UNCONFIRMED; clients should key on HTTP
status and messageType rather than on those numbers:
- getOrder: unknown numbers, or numbers of another shop, are simply absent from OrderModelList
  (UNCONFIRMED); INFO_101 reports how many were returned.
- confirmOrder: per-order entries; ERROR_101 unknown order (sandbox), ERROR_102 cancelled,
  ERROR_103 status already moved. HTTP 200 even when every entry is an error (sandbox).
- cancelOrder: ERROR_101 unknown order, ERROR_102 already cancelled, ERROR_103 status not
  100/200/300 (all sandbox numbers).
"""

from __future__ import annotations

import copy
import math
from typing import Any

from ..http import Response, is_int
from ..orders.common import (
    bad_format,
    failure,
    message,
    order_number_list,
    order_of,
    read_body,
    required,
)
from ..orders.index import search
from ..orders.lifecycle import cancel, confirm
from ..orders.search import HIT_CAP, MAX_PAST, parse_query
from ..routing import Call, route
from ..state import clock
from ..state.codes import CANCEL_ORDER, CANCEL_REASONS, CONFIRM_ORDER, FAMILY_ORDER, GET_ORDER, SEARCH_ORDER

SEARCH_NULLS = ("orderNumberList", "PaginationResponseModel")
GET_NULLS = ("OrderModelList", "version")
MIN_VERSION, MAX_VERSION = 3, 10


def search_order(call: Call) -> Response:
    body = read_body(call, SEARCH_ORDER, SEARCH_NULLS)
    query, errors = parse_query(body, call.now)
    if errors:
        raise failure(errors, SEARCH_NULLS)
    numbers = search(call.state.orders, call.shop, query)
    if not numbers:
        return Response(
            200,
            {
                "orderNumberList": [],
                "MessageModelList": [message(SEARCH_ORDER, "INFO", 102, "注文検索に成功しました。(検索結果０件)")],
                "PaginationResponseModel": {"totalRecordsAmount": None, "totalPages": None, "requestPage": None},
            },
        )
    first = (query.page - 1) * query.page_size
    reachable = min(len(numbers), HIT_CAP)
    if first >= HIT_CAP:
        detail = "は検索結果15,000件以内の範囲で指定して下さい。(15,000件を超える検索結果は取得できません)"
        raise failure([bad_format(SEARCH_ORDER, "requestPage", detail)], SEARCH_NULLS)
    return Response(
        200,
        {
            "orderNumberList": numbers[first : min(first + query.page_size, reachable)],
            "MessageModelList": [message(SEARCH_ORDER, "INFO", 101, "注文検索に成功しました。")],
            "PaginationResponseModel": {
                "totalRecordsAmount": len(numbers),
                "totalPages": math.ceil(reachable / query.page_size),
                "requestPage": query.page,
            },
        },
    )


def get_order(call: Call) -> Response:
    body = read_body(call, GET_ORDER, GET_NULLS)
    errors: list[dict[str, Any]] = []
    numbers = order_number_list(GET_ORDER, body, 100, errors)
    version = body.get("version")
    if version is None:
        errors.append(required(GET_ORDER, "version"))
    elif not is_int(version) or not MIN_VERSION <= version <= MAX_VERSION:
        errors.append(bad_format(GET_ORDER, "version", "の値が不正です。(3以上10以下)"))
    if errors:
        raise failure(errors, GET_NULLS)
    assert isinstance(version, int)  # a missing or malformed version was answered above
    oldest = clock.format_order_dt(call.now - MAX_PAST)
    found = []
    for number in dict.fromkeys(numbers):
        order = order_of(call, number)
        if order is not None and order["orderDatetime"] >= oldest:
            found.append(shape_for_version(order, version))
    text = f"受注情報取得に成功しました。(取得件数{len(found)}件)"
    return Response(
        200,
        {
            "MessageModelList": [message(GET_ORDER, "INFO", 101, text)],
            "OrderModelList": found,
            "version": version,
        },
    )


def shape_for_version(order: dict[str, Any], version: int) -> dict[str, Any]:
    """A copy without the fields newer than `version` (v4 delivery codes, v5 receipts, v7 SKUs, …)."""
    shaped: dict[str, Any] = _copy(order)
    if version < 4:
        for package in shaped["PackageModelList"]:
            package.pop("defaultDeliveryCompanyCode", None)
            for line in package["ItemModelList"]:
                line.pop("isSingleItemShipping", None)
    if version < 5:
        for key in ("DueDateModelList", "receiptIssueCount", "receiptIssueHistoryList"):
            shaped.pop(key, None)
    if version < 6:
        shaped.pop("cautionDisplayDetailType", None)
    for package in shaped["PackageModelList"]:
        if version < 7:
            for line in package["ItemModelList"]:
                line.pop("SkuModelList", None)
        if version < 9:
            package.pop("dropOffFlag", None)
            package.pop("dropOffLocation", None)
        if version < 10:
            package.pop("SocialGiftModel", None)
    return shaped


def _copy(value: Any) -> Any:
    """A deep copy of the JSON-shaped order: dicts and lists rebuilt, their leaves shared (str, int and None
    cannot change); anything else goes through copy.deepcopy. Less than half the time of deepcopy, which
    was most of getOrder's time."""
    kind = type(value)
    if kind is dict:
        return {key: _copy(item) for key, item in value.items()}
    if kind is list:
        return [_copy(item) for item in value]
    if value is None or kind in (str, int, bool, float):
        return value
    return copy.deepcopy(value)


def confirm_order(call: Call) -> Response:
    body = read_body(call, CONFIRM_ORDER)
    errors: list[dict[str, Any]] = []
    numbers = order_number_list(CONFIRM_ORDER, body, 100, errors)
    if errors:
        raise failure(errors)
    messages = []
    for number in numbers:
        order = order_of(call, number)
        if order is None:
            messages.append(
                message(CONFIRM_ORDER, "ERROR", 101, "指定された注文番号が存在しません。", orderNumber=number)
            )
        elif order["orderProgress"] == 900:
            text = "指定された注文番号は既にキャンセルされています。"
            messages.append(message(CONFIRM_ORDER, "ERROR", 102, text, orderNumber=number))
        elif order["orderProgress"] != 100:
            text = "指定された注文番号は既にステータスが移動しています。"
            messages.append(message(CONFIRM_ORDER, "ERROR", 103, text, orderNumber=number))
        else:
            confirm(order, call.now)
            messages.append(message(CONFIRM_ORDER, "INFO", 101, "注文確認に成功しました。", orderNumber=number))
    return Response(200, {"MessageModelList": messages})


def cancel_order(call: Call) -> Response:
    body = read_body(call, CANCEL_ORDER)
    errors: list[dict[str, Any]] = []
    number = body.get("orderNumber")
    if number is None:
        errors.append(required(CANCEL_ORDER, "orderNumber"))
    reason = body.get("changeReasonDetailApply")
    if reason is None:
        errors.append(required(CANCEL_ORDER, "changeReasonDetailApply"))
    elif reason not in CANCEL_REASONS or not is_int(reason):
        errors.append(bad_format(CANCEL_ORDER, "changeReasonDetailApply"))
    restore = body.get("inventoryRestoreType", 0)
    if not is_int(restore) or restore not in (0, 1, 2):
        errors.append(bad_format(CANCEL_ORDER, "inventoryRestoreType"))
    if errors:
        raise failure(errors)
    assert isinstance(reason, int)  # a missing or malformed reason was answered above
    order = order_of(call, number)
    if order is None:
        raise failure([message(CANCEL_ORDER, "ERROR", 101, "指定された注文番号が存在しません。", orderNumber=number)])
    if order["orderProgress"] == 900:
        text = "指定された注文番号は既にキャンセルされています。"
        raise failure([message(CANCEL_ORDER, "ERROR", 102, text, orderNumber=number)])
    if order["orderProgress"] not in (100, 200, 300):
        text = "指定された注文番号はキャンセルできるステータスではありません。"
        raise failure([message(CANCEL_ORDER, "ERROR", 103, text, orderNumber=number)])
    cancel(call.state, order, reason, restore, call.now)
    return Response(
        200,
        {
            "MessageModelList": [
                message(CANCEL_ORDER, "INFO", 101, "キャンセル申請に成功しました。", orderNumber=number)
            ]
        },
    )


_ORDER_PATH = "/es/2\\.0/order/{name}/?"
ROUTES = [
    route("POST", _ORDER_PATH.format(name="searchOrder"), SEARCH_ORDER, FAMILY_ORDER, search_order),
    route("POST", _ORDER_PATH.format(name="getOrder"), GET_ORDER, FAMILY_ORDER, get_order),
    route("POST", _ORDER_PATH.format(name="confirmOrder"), CONFIRM_ORDER, FAMILY_ORDER, confirm_order),
    route("POST", _ORDER_PATH.format(name="cancelOrder"), CANCEL_ORDER, FAMILY_ORDER, cancel_order),
]
