"""What changed between two fetches of an order, as (what, old, new) rows: never a silent overwrite.

Two sources. Fields we map (status, amounts, buyer and recipient address, lines) are compared on our
models and named after our fields (``order_progress``, ``package:<basketId>:recipient_address``,
``line:<itemDetailId>:units``), so the order page can label them. Everything else RMS sends is compared on
the raw JSON and named by its RMS path (``raw:PackageModelList[1].ShippingModelList[5].shippingNumber``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from orders.models import Order, OrderLine, OrderPackage
from rakuten_link.rms.raw_diff import raw_differences, same_value
from rakuten_link.sync.orders.fields import MappedOrder, as_comparable

MAX_TEXT = 500
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
    return [Change(path, _text(before), _text(after)) for path, before, after in raw_differences(old, new)]


def _field_changes(obj: Any, values: Mapping[str, Any], prefix: str) -> list[Change]:
    changes = []
    for name, value in values.items():
        old = getattr(obj, name)
        if as_comparable(old) != as_comparable(value) and not same_value(old, value):
            changes.append(Change(f"{prefix}{name}", _text(old), _text(value)))
    return changes


def _values(line: OrderLine) -> dict[str, Any]:
    return {"name": line.name, "units": line.units, "manage_number": line.manage_number, "variant_id": line.variant_id}


def _line_text(fields: Mapping[str, Any]) -> str:
    identity = "/".join(v for v in (fields["manage_number"], fields["variant_id"]) if v)
    return f"{fields['name']} ({identity}) × {fields['units']}"


def _package_text(fields: Mapping[str, Any]) -> str:
    return f"{fields['recipient_name']} {fields['recipient_zip']} {fields['recipient_address']}".strip()


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
