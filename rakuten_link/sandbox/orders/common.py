"""Shared pieces of the RakutenPay order API: MessageModelList bodies and request parsing.

Order API errors are HTTP 400 with `MessageModelList` ERROR entries and every other top-level key
`null` (docs/rms.md §1.6). Codes are `ORDER_EXT_API_<FUNCTION>_<INFO|ERROR>_<nnn>`.
"""

from __future__ import annotations

from typing import Any

from ..http import ApiError, BodyError, Response, load_json
from ..routing import Call
from ..state.codes import CANCEL_ORDER, CONFIRM_ORDER, GET_ORDER, SEARCH_ORDER, UPDATE_ORDER_SHIPPING

PREFIXES = {
    SEARCH_ORDER: "ORDER_EXT_API_SEARCH_ORDER",
    GET_ORDER: "ORDER_EXT_API_GET_ORDER",
    CONFIRM_ORDER: "ORDER_EXT_API_CONFIRM_ORDER",
    UPDATE_ORDER_SHIPPING: "ORDER_EXT_API_UPDATE_ORDERSHIPPING",
    CANCEL_ORDER: "ORDER_EXT_API_CANCEL_ORDER",
}


def message(function_id: str, kind: str, number: int, text: str, **extra: Any) -> dict[str, Any]:
    """One MessageModel; `kind` is INFO, ERROR or WARNING."""
    code = f"{PREFIXES[function_id]}_{kind}_{number:03d}"
    return {"messageType": kind, "messageCode": code, "message": text, **extra}


def required(function_id: str, field: str) -> dict[str, Any]:
    return message(function_id, "ERROR", 9, f"{field}の項目を指定して下さい。")


def empty_value(function_id: str, field: str) -> dict[str, Any]:
    return message(function_id, "ERROR", 10, f"{field}の値を指定して下さい。")


def bad_format(function_id: str, field: str, detail: str = "", **extra: Any) -> dict[str, Any]:
    """ERROR_011; `detail` (e.g. "は100件以内で指定して下さい。") replaces the generic format text."""
    text = f"{field}{detail}" if detail else f"{field}の書式が不正です。"
    return message(function_id, "ERROR", 11, text, **extra)


def failure(messages: list[dict[str, Any]], null_keys: tuple[str, ...] = ()) -> ApiError:
    """400 with the ERROR messages and the function's other top-level keys set to null."""
    body: dict[str, Any] = {key: None for key in null_keys}
    body["MessageModelList"] = messages
    return ApiError(Response(400, body))


def read_body(call: Call, function_id: str, null_keys: tuple[str, ...] = ()) -> dict[str, Any]:
    """The JSON object sent; an empty body reads as {} so required-field checks report it."""
    try:
        body = load_json(call.request)
    except BodyError as exc:
        if exc.kind == "empty":
            return {}
        raise failure([bad_format(function_id, "リクエスト")], null_keys) from None
    if not isinstance(body, dict):
        raise failure([bad_format(function_id, "リクエスト")], null_keys)
    return body


def order_of(call: Call, number: Any) -> dict[str, Any] | None:
    """The order if it exists *for the caller's shop*; other shops' orders are invisible."""
    if not isinstance(number, str) or not number.startswith(f"{call.shop}-"):
        return None
    return call.state.orders.get(number)


def order_number_list(function_id: str, body: dict[str, Any], limit: int, errors: list[dict[str, Any]]) -> list[str]:
    """Validate `orderNumberList` (1..limit strings), appending messages to `errors`."""
    numbers = body.get("orderNumberList")
    if numbers is None:
        errors.append(required(function_id, "orderNumberList"))
    elif not isinstance(numbers, list) or not all(isinstance(n, str) for n in numbers):
        errors.append(bad_format(function_id, "orderNumberList"))
    elif not numbers:
        errors.append(empty_value(function_id, "orderNumberList"))
    elif len(numbers) > limit:
        errors.append(bad_format(function_id, "orderNumberList", f"は{limit}件以内で指定して下さい。"))
    else:
        return numbers
    return []
