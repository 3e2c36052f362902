"""updateOrderShippingAsync and getResultUpdateOrderShippingAsync (発送情報登録・非同期): many orders a call.

Rules (docs/rms.md §2.5): `{"OrderShippingModelList": [{orderNumber, BasketidModelList}]}` with 1–100
orders, each order number once; the answer is INFO_101 whose entry carries the `requestId` (as the
public C# client models it). `getResultUpdateOrderShippingAsync` `{"requestId"}` answers
`ResultShippingModelList: [{orderNumber, MessageModelList}]` plus its own `MessageModelList`; results
are kept 30 days.

Sandbox choices (the real timing and codes are UNCONFIRMED):
- Applied at once: the batch runs inside the submit call, under the state lock, so getOrder right
  after the submit already shows the rows and the results are ready at the first ask. A client must
  still treat "results not there yet" as normal on RMS.
- Per order, `MessageModelList` is exactly what updateOrderShipping answers for that order
  (`shipping.ship_order`), errors included; one bad order does not stop the others.
- Request-level problems (no list, more than 100 orders, a duplicate or missing orderNumber) are
  HTTP 400 with ERROR entries and nothing is applied; ERROR_012 marks a duplicate.
- An unknown, another shop's or expired requestId is answered as RMS does: HTTP 200 with an INFO code
  (INFO_102 here) and one ResultShippingModelList entry without orderNumber; RMS cannot say whether it
  is still working on it, so a client takes it as "no result yet".
- With the switch `async_refuse_batch` the submit checks every order first: when one would be refused
  the batch is refused as a whole, as in Rakuten's own example: HTTP 200, each refused order's ERRORs
  (with its orderNumber), no requestId, nothing applied.
- Codes are `ORDER_EXT_API_UPDATE_ORDERSHIPPING_ASYNC_*` and, our spelling,
  `ORDER_EXT_API_GET_RESULT_UPDATE_ORDERSHIPPING_ASYNC_*`.
"""

from __future__ import annotations

import copy
from typing import Any

from ..http import BodyError, Response, load_json
from ..orders.common import failure
from ..routing import Call, route
from ..state.codes import FAMILY_ORDER
from .shipping import order_errors, ship_order

SUBMIT = "rpay.order.updateOrderShippingAsync"
RESULT = "rpay.order.getResultUpdateOrderShippingAsync"
PREFIXES = {
    SUBMIT: "ORDER_EXT_API_UPDATE_ORDERSHIPPING_ASYNC",
    RESULT: "ORDER_EXT_API_GET_RESULT_UPDATE_ORDERSHIPPING_ASYNC",
}
MAX_ORDERS = 100
RESULT_NULLS = ("ResultShippingModelList",)


def update_order_shipping_async(call: Call) -> Response:
    entries = _orders(_read_body(call, SUBMIT))
    if call.config.async_refuse_batch:
        refused = _refusals(call, entries)
        if refused:
            return Response(200, {"MessageModelList": refused})
    results = [
        {"orderNumber": entry["orderNumber"], "MessageModelList": ship_order(call, entry).body["MessageModelList"]}
        for entry in entries
    ]
    request = call.state.shipping_async.add(call.shop, call.now, results)
    text = "発送情報登録（非同期）の受付が完了しました。"
    return Response(200, {"MessageModelList": [_message(SUBMIT, "INFO", 101, text, requestId=request.request_id)]})


def _refusals(call: Call, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The batch refused as a whole (switch `async_refuse_batch`): each refused order's ERRORs, named by
    orderNumber, as updateOrderShipping would give them; empty when every order would be accepted."""
    return [{**error, "orderNumber": entry["orderNumber"]} for entry in entries for error in order_errors(call, entry)]


def get_result_update_order_shipping_async(call: Call) -> Response:
    body = _read_body(call, RESULT, RESULT_NULLS)
    request_id = body.get("requestId")
    if request_id is None:
        raise failure([_message(RESULT, "ERROR", 9, "requestIdの項目を指定して下さい。")], RESULT_NULLS)
    if not isinstance(request_id, str) or not request_id:
        raise failure([_message(RESULT, "ERROR", 11, "requestIdの書式が不正です。")], RESULT_NULLS)
    request = call.state.shipping_async.find(call.shop, request_id, call.now)
    if request is None:
        text = "指定されたリクエストIDの処理結果はありません。"
        info = _message(RESULT, "INFO", 102, text, requestId=request_id)
        return Response(200, {"ResultShippingModelList": [{"orderNumber": None, "MessageModelList": [info]}],
                              "MessageModelList": [info]})
    text = "発送情報登録（非同期）の結果取得に成功しました。"
    return Response(
        200,
        {
            "ResultShippingModelList": copy.deepcopy(request.results),
            "MessageModelList": [_message(RESULT, "INFO", 101, text, requestId=request_id)],
        },
    )


def _orders(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The checked OrderShippingModelList; raises the 400 for anything that concerns the whole request."""
    entries = body.get("OrderShippingModelList")
    field = "OrderShippingModelList"
    if entries is None:
        raise failure([_message(SUBMIT, "ERROR", 9, f"{field}の項目を指定して下さい。")])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise failure([_message(SUBMIT, "ERROR", 11, f"{field}の書式が不正です。")])
    if not entries:
        raise failure([_message(SUBMIT, "ERROR", 10, f"{field}の値を指定して下さい。")])
    if len(entries) > MAX_ORDERS:
        raise failure([_message(SUBMIT, "ERROR", 11, f"{field}は{MAX_ORDERS}件以内で指定して下さい。")])
    errors = []
    seen: set[str] = set()
    for entry in entries:
        number = entry.get("orderNumber")
        if number is None:
            errors.append(_message(SUBMIT, "ERROR", 9, "orderNumberの項目を指定して下さい。", orderNumber=None))
        elif not isinstance(number, str) or not number:
            errors.append(_message(SUBMIT, "ERROR", 11, "orderNumberの書式が不正です。", orderNumber=number))
        elif number in seen:
            text = f"orderNumber（{number}）が重複しています。"
            errors.append(_message(SUBMIT, "ERROR", 12, text, orderNumber=number))
        else:
            seen.add(number)
    if errors:
        raise failure(errors)
    return entries


def _read_body(call: Call, function_id: str, null_keys: tuple[str, ...] = ()) -> dict[str, Any]:
    """The JSON object sent, as orders.common.read_body does it, with this module's message codes."""
    try:
        body = load_json(call.request)
    except BodyError as exc:
        if exc.kind == "empty":
            return {}
        raise failure([_message(function_id, "ERROR", 11, "リクエストの書式が不正です。")], null_keys) from None
    if not isinstance(body, dict):
        raise failure([_message(function_id, "ERROR", 11, "リクエストの書式が不正です。")], null_keys)
    return body


def _message(function_id: str, kind: str, number: int, text: str, **extra: Any) -> dict[str, Any]:
    """A MessageModel with this module's code prefixes (orders.common.PREFIXES knows only the sync ones)."""
    code = f"{PREFIXES[function_id]}_{kind}_{number:03d}"
    return {"messageType": kind, "messageCode": code, "message": text, **extra}


_PATH = "/es/2\\.0/order/{name}/?"
ROUTES = [
    route("POST", _PATH.format(name="updateOrderShippingAsync"), SUBMIT, FAMILY_ORDER, update_order_shipping_async),
    route(
        "POST",
        _PATH.format(name="getResultUpdateOrderShippingAsync"),
        RESULT,
        FAMILY_ORDER,
        get_result_update_order_shipping_async,
    ),
]
