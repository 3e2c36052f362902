"""What changed between two fetches of an order, as (what, old, new) rows: never a silent overwrite.

Two sources. Fields we map (status, amounts, buyer and recipient address, lines) are compared on our
models and named after our fields (``order_progress``, ``package:<basketId>:recipient_address``,
``line:<itemDetailId>:units``), so the order page can label them. Everything else RMS sends is compared on
the raw JSON and named by its RMS path (``raw:PackageModelList[1].ShippingModelList[5].shippingNumber``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from orders.models import Order, OrderLine, OrderPackage
from rakuten_link.sync.orders.fields import MappedOrder, as_comparable

MAX_TEXT = 500
# Lists whose elements RMS identifies by a key; others are compared by position.
LIST_KEYS = {
    "PackageModelList": "basketId",
    "ItemModelList": "itemDetailId",
    "ShippingModelList": "shippingDetailId",
    "CouponModelList": "couponCode",
    "ChangeReasonModelList": "changeId",
    "TaxSummaryModelList": "taxRate",
    "DueDateModelList": "dueDateType",
}
_PERSON = ("familyName", "firstName", "familyNameKana", "firstNameKana", "emailAddress", "phoneNumber1",
           "phoneNumber2", "phoneNumber3", "zipCode1", "zipCode2", "prefecture", "city", "subAddress")
_PKG = ("PackageModelList",)
_ITEM = (*_PKG, "ItemModelList")
# RMS paths (list keys left out) that the model comparison already reports.
MAPPED_PATHS = frozenset({
    *[(k,) for k in ("orderProgress", "subStatusId", "subStatusName", "orderDatetime", "shopOrderCfmDatetime",
                     "orderFixDatetime", "shippingCmplRptDatetime", "goodsPrice", "goodsTax", "postagePrice",
                     "deliveryPrice", "paymentCharge", "couponAllTotalPrice", "totalPrice", "requestPrice",
                     "remarks", "TaxSummaryModelList")],
    ("SettlementModel", "settlementMethodCode"), ("SettlementModel", "settlementMethod"), ("PointModel", "usedPoint"),
    *[("OrdererModel", k) for k in _PERSON],
    *[(*_PKG, k) for k in ("basketId", "postagePrice", "deliveryPrice", "goodsPrice", "totalPrice",
                           "defaultDeliveryCompanyCode", "packageDeleteFlag")],
    *[(*_PKG, "SenderModel", k) for k in _PERSON],
    *[(*_ITEM, k) for k in ("itemDetailId", "manageNumber", "itemNumber", "selectedChoice", "itemName", "price",
                            "units", "taxRate", "deleteItemFlag", "SkuModelList")],
})
# Lists whose added/removed elements the model comparison reports (packages and lines).
MAPPED_ELEMENTS = frozenset({_PKG, _ITEM})
LINE_IDENTITY = ("manage_number", "variant_id", "selected_choice")


@dataclass(frozen=True)
class Change:
    field: str
    old: str
    new: str


@dataclass
class OrderDiff:
    changes: list[Change]
    lines_changed: bool  # lines added, removed, or their units / identity changed: allocation must follow


def diff_order(
    order: Order, packages: Mapping[int, OrderPackage], lines: Mapping[int, OrderLine], new: MappedOrder
) -> OrderDiff:
    changes = _field_changes(order, new.fields, "")
    for package in new.packages:
        old = packages.get(package.basket_id)
        if old is None:
            changes.append(Change(f"package:{package.basket_id}", "", _package_text(package.fields)))
        else:
            changes += _field_changes(old, package.fields, f"package:{package.basket_id}:")
    line_changes = []
    seen = set()
    for line in new.lines:
        seen.add(line.item_detail_id)
        old_line = lines.get(line.item_detail_id)
        if old_line is None:
            line_changes.append(Change(f"line:{line.item_detail_id}", "", _line_text(line.fields)))
        else:
            line_changes += _field_changes(old_line, line.fields, f"line:{line.item_detail_id}:")
    for detail_id, old_line in lines.items():
        if detail_id not in seen and not old_line.removed:
            line_changes.append(Change(f"line:{detail_id}", _line_text(_values(old_line)), ""))
    changes += line_changes + raw_changes(order.raw, new.raw)
    allocation_fields = {"units", "removed", *LINE_IDENTITY}
    lines_changed = any(c.field.count(":") == 1 or c.field.rsplit(":", 1)[1] in allocation_fields
                        for c in line_changes)
    return OrderDiff(changes, lines_changed)


def raw_changes(old: Any, new: Any) -> list[Change]:
    """RMS data we do not map (memo, shipping rows, coupons, change reasons…), path by path."""
    found: list[Change] = []
    _walk(old, new, [], (), found)
    return found


def _walk(old: Any, new: Any, path: list[str], norm: tuple[str, ...], found: list[Change]) -> None:
    if isinstance(old, dict) and isinstance(new, dict):
        for key in dict.fromkeys([*old, *new]):
            _walk(old.get(key), new.get(key), [*path, key], (*norm, key), found)
    elif isinstance(old, list) and isinstance(new, list) and norm and norm[-1] in LIST_KEYS:
        _walk_list(old, new, path, norm, found)
    elif not _same(old, new) and not _covered(norm):
        found.append(Change(_path_text(path), _text(old), _text(new)))


def _walk_list(old: list, new: list, path: list[str], norm: tuple[str, ...], found: list[Change]) -> None:
    old_items, new_items = _keyed(old, LIST_KEYS[norm[-1]]), _keyed(new, LIST_KEYS[norm[-1]])
    for key in dict.fromkeys([*old_items, *new_items]):
        element_path = [*path, f"[{key}]"]
        if key in old_items and key in new_items:
            _walk(old_items[key], new_items[key], element_path, norm, found)
        elif norm not in MAPPED_ELEMENTS and not _covered(norm):
            found.append(Change(_path_text(element_path), _text(old_items.get(key)), _text(new_items.get(key))))


def _keyed(items: list, key: str) -> dict[str, Any]:
    if all(isinstance(i, dict) and i.get(key) is not None for i in items):
        return {str(i[key]): i for i in items}
    return {str(position): i for position, i in enumerate(items)}


def _covered(norm: tuple[str, ...]) -> bool:
    return any(norm[:size] in MAPPED_PATHS for size in range(1, len(norm) + 1))


def _same(old: Any, new: Any) -> bool:
    return old == new or (old in (None, "") and new in (None, ""))


def _field_changes(obj: Any, values: Mapping[str, Any], prefix: str) -> list[Change]:
    changes = []
    for name, value in values.items():
        old = getattr(obj, name)
        if as_comparable(old) != as_comparable(value) and not _same(old, value):
            changes.append(Change(f"{prefix}{name}", _text(old), _text(value)))
    return changes


def _values(line: OrderLine) -> dict[str, Any]:
    return {"name": line.name, "units": line.units, "manage_number": line.manage_number, "variant_id": line.variant_id}


def _line_text(fields: Mapping[str, Any]) -> str:
    identity = "/".join(v for v in (fields["manage_number"], fields["variant_id"]) if v)
    return f"{fields['name']} ({identity}) × {fields['units']}"


def _package_text(fields: Mapping[str, Any]) -> str:
    return f"{fields['recipient_name']} {fields['recipient_zip']} {fields['recipient_address']}".strip()


def _path_text(path: Sequence[str]) -> str:
    text = "".join(segment if segment.startswith("[") else f".{segment}" for segment in path).lstrip(".")
    return f"raw:{text}"[:100]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, Decimal):
        return str(value.normalize())
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return str(value)[:MAX_TEXT]
