"""Turn a partial OrderModel into a complete, internally consistent one.

Tests state only what they care about (`{"orderProgress": 300}` or one line's variantId); the factory
fills every other key and derives the money fields the way RMS relates them, so a client that
cross-checks totals sees the same arithmetic as on the real API.
"""

from __future__ import annotations

import copy
import random
from datetime import datetime, timedelta
from decimal import ROUND_DOWN, ROUND_HALF_UP, ROUND_UP, Decimal
from typing import Any

from ..state import clock
from ..state.codes import DELIVERY_COMPANIES, ORDER_PROGRESS
from ..state.state import SandboxState
from .defaults import order_skeleton, package_skeleton, sender_from, settlement, shipping_row
from .lines import build_line

FREE_POSTAGE_FROM = 3980  # Rakuten's common 送料無料ライン
POSTAGE = 550
COD_CHARGE = 330
# On the magnitude, like orders/tax.py: a negative amount rounds like a positive one.
_ROUNDING = {"floor": ROUND_DOWN, "ceil": ROUND_UP, "round": ROUND_HALF_UP}


class OrderInputError(ValueError):
    """A partial order the factory cannot turn into a valid one (bad shop prefix, progress …)."""


def deep_merge(target: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """Merge `extra` into `target`: dicts recursively, everything else (lists too) replaced."""
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            deep_merge(target[key], value)
        else:
            target[key] = copy.deepcopy(value)
    return target


def new_order_number(state: SandboxState, shop: str, ordered_at: datetime, rng: random.Random) -> str:
    """`<shop>-<YYYYMMDD>-<10 digits>`, unique in the sandbox."""
    while True:
        number = f"{shop}-{ordered_at:%Y%m%d}-{rng.randrange(10**10):010d}"
        if number not in state.orders:
            return number


def build_order(
    state: SandboxState,
    shop: str,
    partial: dict[str, Any],
    at: datetime,
    rng: random.Random,
    restrict: list[str] | None = None,
) -> dict[str, Any]:
    """A full OrderModel for `shop`; raises OrderInputError for inconsistent input."""
    ordered_at = _ordered_at(partial, at)
    number = partial.get("orderNumber") or new_order_number(state, shop, ordered_at, rng)
    if not str(number).startswith(f"{shop}-"):
        raise OrderInputError(f"orderNumber must start with the shop number {shop}-")
    progress = partial.get("orderProgress", 100)
    if progress not in ORDER_PROGRESS:
        raise OrderInputError(f"orderProgress must be one of {ORDER_PROGRESS}")
    order = order_skeleton()
    code = (partial.get("SettlementModel") or {}).get("settlementMethodCode")
    if code is not None:
        order["SettlementModel"] = settlement(int(code))
    scalars = {k: v for k, v in partial.items() if k != "PackageModelList"}
    deep_merge(order, scalars)
    order.update(orderNumber=number, orderDatetime=clock.format_order_dt(ordered_at), orderProgress=progress)
    packages = partial.get("PackageModelList") or [{}]
    order["PackageModelList"] = [build_package(state, shop, p, order, rng, restrict) for p in packages]
    _stamp_dates(order, ordered_at, scalars)
    compute_totals(order, scalars, state.config.tax_rounding_for(shop))
    return order


def _ordered_at(partial: dict[str, Any], at: datetime) -> datetime:
    text = partial.get("orderDatetime")
    if not text:
        return at
    try:
        return clock.parse_flexible(str(text))
    except ValueError:
        raise OrderInputError("orderDatetime is not a datetime") from None


def build_package(
    state: SandboxState,
    shop: str,
    partial: dict[str, Any],
    order: dict[str, Any],
    rng: random.Random,
    restrict: list[str] | None,
) -> dict[str, Any]:
    package = package_skeleton(state.next_id("basketId", 10_000_001))
    package["SenderModel"] = sender_from(order["OrdererModel"])
    lines = partial.get("ItemModelList") or [{}]
    rest = {k: v for k, v in partial.items() if k not in ("ItemModelList", "ShippingModelList")}
    deep_merge(package, rest)
    package["ItemModelList"] = [build_line(state, shop, line, rng, restrict) for line in lines]
    package["ShippingModelList"] = [_shipping(state, row) for row in partial.get("ShippingModelList") or ()]
    goods = sum(line["price"] * line["units"] for line in package["ItemModelList"])
    if "postagePrice" not in partial:
        package["postagePrice"] = 0 if goods >= FREE_POSTAGE_FROM else POSTAGE
    package["goodsPrice"] = goods
    package["totalPrice"] = goods + package["postagePrice"] + package["deliveryPrice"]
    return package


def _shipping(state: SandboxState, row: dict[str, Any]) -> dict[str, Any]:
    company = row.get("deliveryCompany")
    if company is not None and company not in DELIVERY_COMPANIES:
        raise OrderInputError(f"deliveryCompany {company!r} is not a code from the table")
    detail_id = row.get("shippingDetailId") or state.next_id("shippingDetailId", 5_000_001)
    return shipping_row(detail_id, company, row.get("shippingNumber"), row.get("shippingDate"))


def _stamp_dates(order: dict[str, Any], ordered_at: datetime, given: dict[str, Any]) -> None:
    """Fill the milestone datetimes an order at this progress would carry, unless given."""
    progress = order["orderProgress"]
    cancelled = progress == 900
    stamps = {
        "cancelDueDate": (ordered_at + timedelta(days=14)).strftime("%Y-%m-%d") if progress == 100 else None,
        "shopOrderCfmDatetime": ordered_at + timedelta(minutes=30) if progress >= 200 and not cancelled else None,
        "orderFixDatetime": ordered_at + timedelta(hours=1) if progress >= 300 and not cancelled else None,
        "shippingInstDatetime": ordered_at + timedelta(hours=1) if progress >= 300 and not cancelled else None,
        "shippingCmplRptDatetime": ordered_at + timedelta(days=1) if 500 <= progress < 900 else None,
    }
    for key, value in stamps.items():
        if key not in given:
            order[key] = clock.format_order_dt(value) if isinstance(value, datetime) else value
    if cancelled and not order["ChangeReasonModelList"]:
        order["ChangeReasonModelList"] = [cancel_reason(0, 10, ordered_at + timedelta(hours=2))]


def cancel_reason(change_id: int, reason_detail: int, at: datetime) -> dict[str, Any]:
    """ChangeReasonModel for a completed cancellation (changeType 0 = キャンセル)."""
    stamp = clock.format_order_dt(at)
    return {
        "changeId": change_id,
        "changeType": 0,
        "changeTypeDetail": 0,
        "changeReason": 0 if reason_detail >= 8 else 1,
        "changeReasonDetail": reason_detail,
        "changeApplyDatetime": stamp,
        "changeFixDatetime": stamp,
        "changeCmplDatetime": stamp,
    }


def compute_totals(order: dict[str, Any], given: dict[str, Any], rounding: str = "floor") -> None:
    """Derive order-level money fields from packages, coupons and points; given values win."""
    packages = order["PackageModelList"]
    coupons = order["CouponModelList"]
    shop_coupons = sum(c.get("couponTotalPrice", 0) for c in coupons if c.get("couponCapitalCode") == 1)
    values: dict[str, Any] = {
        "goodsPrice": sum(p["goodsPrice"] for p in packages),
        "postagePrice": sum(p["postagePrice"] for p in packages),
        "deliveryPrice": sum(p["deliveryPrice"] for p in packages),
        "couponAllTotalPrice": sum(c.get("couponTotalPrice", 0) for c in coupons),
        "couponShopPrice": shop_coupons,
        "paymentCharge": COD_CHARGE if order["SettlementModel"]["settlementMethodCode"] == 2 else 0,
    }
    values["couponOtherPrice"] = values["couponAllTotalPrice"] - shop_coupons
    for key, value in values.items():
        if key not in given:
            order[key] = value
    if "totalPrice" not in given:
        order["totalPrice"] = order["goodsPrice"] + order["postagePrice"] + order["deliveryPrice"]
    points = order["PointModel"].get("usedPoint", 0)
    if "requestPrice" not in given:
        extra = order["paymentCharge"] + order["additionalFeeOccurAmountToUser"]
        order["requestPrice"] = order["totalPrice"] + extra - order["couponAllTotalPrice"] - points
    if "TaxSummaryModelList" not in given:
        order["TaxSummaryModelList"] = tax_summary(order, points, rounding)


def included_tax(amount: int, rate: float, rounding: str) -> int:
    """The tax contained in a tax-inclusive amount, amount × rate / (1 + rate), rounded once by the shop's rule.

    Decimal, not float: in floating point 550 × 0.1 / 1.1 is 49.999…, which floors to 49 where RMS says 50.
    """
    exact = Decimal(amount) * Decimal(str(rate)) / (1 + Decimal(str(rate)))
    return int(exact.quantize(Decimal(1), rounding=_ROUNDING.get(rounding, ROUND_DOWN)))


def tax_summary(order: dict[str, Any], points: int, rounding: str = "floor") -> list[dict[str, Any]]:
    """Per-rate summary; postage and fees go to 10%, coupons and points to the largest group.

    RMS's own allocation rule is not public; this one keeps the sums consistent, which is what
    invoice code needs to be tested against. The tax of each rate is worked out on its billed amount
    with the shop's rounding (the sandbox's ``tax_rounding_for(shop)``), as RMS does.
    """
    groups: dict[float, int] = {}
    for package in order["PackageModelList"]:
        for line in package["ItemModelList"]:
            groups[line["taxRate"]] = groups.get(line["taxRate"], 0) + line["price"] * line["units"]
    fees = order["postagePrice"] + order["deliveryPrice"]
    if fees or order["paymentCharge"] or not groups:
        groups[0.1] = groups.get(0.1, 0) + fees
    largest = max(groups, key=lambda rate: groups[rate])
    summary = []
    for rate in sorted(groups):
        charge = order["paymentCharge"] if rate == 0.1 else 0
        coupon = order["couponAllTotalPrice"] if rate == largest else 0
        point = points if rate == largest else 0
        request = groups[rate] + charge - coupon - point
        summary.append(
            {
                "taxRate": rate,
                "reqPrice": request,
                "reqPriceTax": included_tax(request, rate, rounding),
                "totalPrice": groups[rate],
                "paymentCharge": charge,
                "couponPrice": coupon,
                "point": point,
            }
        )
    return summary
