"""updateOrderShipping (発送情報登録): add, update or delete shipping rows of one order.

Rules (docs/rms.md §2.5): rows are addressed per basket; a row without shippingDetailId is added,
one with it is updated (or deleted with shippingDeleteFlag 1); an omitted field stays as it is, an
empty one is cleared; at most 20 rows per basket; deliveryCompany must be a code (names are
rejected); shippingDate `YYYY-MM-DD`; shippingNumber ≤ 120 characters. `dataNumber` counts rows
1-based across all baskets. The whole call is validated first and applied only when clean.

Sandbox choices (UNCONFIRMED on RMS): accepted while orderProgress is in the config switch
`shipping_accepted_progress` (default 100–400); ERROR_101 unknown order, ERROR_102 cancelled,
ERROR_103 any other status not accepted; INFO_103 for a deleted row.

`ship_order` is the whole per-order rule set; updateOrderShippingAsync (shipping_async.py) runs it
for each order of a batch, so both answer an order identically.
"""

from __future__ import annotations

from typing import Any

from ..http import ApiError, Response, is_int
from ..orders.common import bad_format, empty_value, failure, message, order_of, read_body, required
from ..orders.defaults import shipping_row
from ..routing import Call, route
from ..state import clock
from ..state.codes import DELIVERY_COMPANIES, FAMILY_ORDER, UPDATE_ORDER_SHIPPING

FN = UPDATE_ORDER_SHIPPING
MAX_ROWS = 20
MAX_NUMBER_LENGTH = 120
Plan = list[tuple[dict[str, Any], dict[str, Any], dict[str, Any] | None]]  # (package, request row, stored row)


def update_order_shipping(call: Call) -> Response:
    return ship_order(call, read_body(call, FN))


def ship_order(call: Call, body: dict[str, Any]) -> Response:
    """updateOrderShipping for one `{orderNumber, BasketidModelList}`: 200 with the row messages when
    every row is clean (then applied), else 400 with every ERROR and nothing applied."""
    try:
        order = _order_to_update(call, body)
        plan, errors = _plan(order, body["BasketidModelList"])
        if errors:
            raise failure(errors)
    except ApiError as exc:
        return exc.response
    return Response(200, {"MessageModelList": _apply(call, plan)})


def order_errors(call: Call, body: dict[str, Any]) -> list[dict[str, Any]]:
    """The ERROR messages ``ship_order`` would answer for this order, without applying anything."""
    try:
        _, errors = _plan(_order_to_update(call, body), body["BasketidModelList"])
    except ApiError as exc:
        return list(exc.response.body["MessageModelList"])
    return errors


def _order_to_update(call: Call, body: dict[str, Any]) -> dict[str, Any]:
    errors = []
    if body.get("orderNumber") is None:
        errors.append(required(FN, "orderNumber"))
    baskets = body.get("BasketidModelList")
    if baskets is None:
        errors.append(required(FN, "BasketidModelList"))
    elif not isinstance(baskets, list) or not all(isinstance(b, dict) for b in baskets):
        errors.append(bad_format(FN, "BasketidModelList"))
    elif not baskets:
        errors.append(empty_value(FN, "BasketidModelList"))
    if errors:
        raise failure(errors)
    number = body["orderNumber"]
    order = order_of(call, number)
    nulls = {"dataNumber": None, "shippingDetailId": None}
    if order is None:
        raise failure([message(FN, "ERROR", 101, "指定された注文番号が存在しません。", **nulls)])
    if order["orderProgress"] in call.config.shipping_accepted_progress:
        return order
    if order["orderProgress"] == 900:
        text = "指定された注文番号は既にキャンセルされているため、発送情報を登録できません。"
        raise failure([message(FN, "ERROR", 102, text, **nulls)])
    raise failure([message(FN, "ERROR", 103, "発送情報を登録できるステータスではありません。", **nulls)])


def _plan(order: dict[str, Any], baskets: list[dict[str, Any]]) -> tuple[Plan, list[dict[str, Any]]]:
    """Pair every request row with its basket and stored row, collecting every error on the way."""
    packages = {p["basketId"]: p for p in order["PackageModelList"]}
    plan: Plan = []
    errors: list[dict[str, Any]] = []
    data_number = 0
    for basket in baskets:
        package = packages.get(basket.get("basketId")) if is_int(basket.get("basketId")) else None
        rows = basket.get("ShippingModelList")
        if package is None:
            errors.append(bad_format(FN, "basketId", dataNumber=None, shippingDetailId=None))
            continue
        if not isinstance(rows, list) or not rows or not all(isinstance(r, dict) for r in rows):
            errors.append(bad_format(FN, "ShippingModelList", dataNumber=None, shippingDetailId=None))
            continue
        adds = 0
        for row in rows:
            data_number += 1
            stored, problems = _check_row(package, row)
            errors.extend(
                bad_format(FN, field, dataNumber=data_number, shippingDetailId=row.get("shippingDetailId"))
                for field in problems
            )
            adds += stored is None
            plan.append((package, row, stored))
        if len(rows) > MAX_ROWS or len(package["ShippingModelList"]) + adds > MAX_ROWS:
            detail = f"は送付先ごとに{MAX_ROWS}件以内で指定して下さい。"
            errors.append(bad_format(FN, "ShippingModelList", detail, dataNumber=None, shippingDetailId=None))
    return plan, errors


def _check_row(package: dict[str, Any], row: dict[str, Any]) -> tuple[dict[str, Any] | None, list[str]]:
    """(stored row or None for an add, names of fields in error)."""
    problems = []
    stored = None
    detail_id = row.get("shippingDetailId")
    if detail_id is not None:
        stored = next((r for r in package["ShippingModelList"] if r["shippingDetailId"] == detail_id), None)
        if stored is None:
            problems.append("shippingDetailId")
    company = row.get("deliveryCompany")
    if (company is None and detail_id is None) or (company is not None and company not in DELIVERY_COMPANIES):
        problems.append("deliveryCompany")
    number = row.get("shippingNumber")
    if number is not None and (
        not isinstance(number, str) or len(number) > MAX_NUMBER_LENGTH or any(ord(c) < 32 for c in number)
    ):
        problems.append("shippingNumber")
    ship_date = row.get("shippingDate")
    if ship_date not in (None, "") and clock.parse_date(ship_date) is None:
        problems.append("shippingDate")
    delete = row.get("shippingDeleteFlag", 0)
    if delete not in (0, 1) or (delete == 1 and detail_id is None):
        problems.append("shippingDeleteFlag")
    return stored, problems


def _apply(call: Call, plan: Plan) -> list[dict[str, Any]]:
    messages = []
    for data_number, (package, row, stored) in enumerate(plan, start=1):
        if stored is None:
            detail_id = call.state.next_id("shippingDetailId", 5_000_001)
            package["ShippingModelList"].append(shipping_row(detail_id, None, None, None))
            _update(package["ShippingModelList"][-1], row)
            code, text = 101, "発送情報の追加設定が完了しました。"
        elif row.get("shippingDeleteFlag") == 1:
            detail_id = stored["shippingDetailId"]
            package["ShippingModelList"].remove(stored)
            code, text = 103, "発送情報の削除設定が完了しました。"
        else:
            detail_id = stored["shippingDetailId"]
            _update(stored, row)
            code, text = 102, "発送情報の更新設定が完了しました。"
        messages.append(message(FN, "INFO", code, text, dataNumber=data_number, shippingDetailId=detail_id))
    return messages


def _update(stored: dict[str, Any], row: dict[str, Any]) -> None:
    """Omitted fields stay; empty strings clear (stored as null, as RMS shows cleared values)."""
    for field in ("deliveryCompany", "shippingNumber", "shippingDate"):
        if field in row and row[field] is not None:
            stored[field] = row[field] or None
    stored["deliveryCompanyName"] = DELIVERY_COMPANIES.get(stored["deliveryCompany"] or "")


ROUTES = [
    route("POST", "/es/2\\.0/order/updateOrderShipping/?", FN, FAMILY_ORDER, update_order_shipping),
]
