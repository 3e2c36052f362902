"""Bring a stored order's packages and lines in line with a re-fetched version of it.

Nothing is deleted: a package or line RMS no longer lists is kept (shipments and history point at it) and
a vanished line is marked ``removed`` so that it holds no stock any more. A line whose product identity
changed gives its stock back and is matched again.
"""

from __future__ import annotations

from collections.abc import Mapping

from orders.models import Order, OrderLine, OrderPackage
from orders.services import release_lines
from rakuten_link.sync.orders.changes import LINE_IDENTITY
from rakuten_link.sync.orders.fields import MappedOrder, as_comparable
from rakuten_link.sync.orders.matching import LineMatcher


def sync_packages(order: Order, new: MappedOrder, packages: dict[int, OrderPackage]) -> None:
    """Update changed packages and add new ones; ``packages`` (by basket id) is updated in place."""
    for mapped in new.packages:
        package = packages.get(mapped.basket_id)
        if package is None:
            packages[mapped.basket_id] = OrderPackage.objects.create(order=order, **mapped.fields)
        elif _assign(package, mapped.fields):
            package.save(update_fields=list(mapped.fields))


def sync_lines(
    order: Order,
    new: MappedOrder,
    lines: Mapping[int, OrderLine],
    packages: Mapping[int, OrderPackage],
    matcher: LineMatcher,
) -> list[OrderLine]:
    """The order's lines after the update (new ones created, changed ones saved), for allocation."""
    created, changed, result = [], [], []
    for mapped in new.lines:
        line = lines.get(mapped.item_detail_id)
        if line is None:
            line = OrderLine(order=order, package=packages.get(mapped.basket_id), **mapped.fields)
            line.sku_id = match_line(matcher, line)
            created.append(line)
        elif _update_line(order, line, mapped.fields, matcher):
            changed.append(line)
        result.append(line)
    listed = {mapped.item_detail_id for mapped in new.lines}
    for detail_id, line in lines.items():
        if detail_id not in listed:
            if not line.removed:
                line.removed = True
                changed.append(line)
            result.append(line)
    OrderLine.objects.bulk_create(created)
    if changed:
        OrderLine.objects.bulk_update(changed, [*new.lines[0].fields, "sku"] if new.lines else ["removed"])
    return result


def _update_line(order: Order, line: OrderLine, fields: dict, matcher: LineMatcher) -> bool:
    """Apply new values; returns whether anything changed. A new identity releases the old SKU's stock."""
    identity_changed = any(getattr(line, name) != fields[name] for name in LINE_IDENTITY)
    changed = _assign(line, fields)
    if line.sku_id is None or identity_changed:
        sku_id = match_line(matcher, line)
        if sku_id != line.sku_id:
            if line.allocated_units:
                release_lines(order, [line])
            line.sku_id = sku_id
            changed = True
    return changed


def _assign(obj, fields: dict) -> bool:
    changed = False
    for name, value in fields.items():
        if as_comparable(getattr(obj, name)) != as_comparable(value):
            setattr(obj, name, value)
            changed = True
    return changed


def match_line(matcher: LineMatcher, line: OrderLine) -> int | None:
    return matcher.match(line.manage_number, line.variant_id, line.selected_choice, line.sku_info)
