"""Bring a stored order's packages and lines in line with a re-fetched version of it.

Nothing is deleted: a package or line RMS no longer lists is kept (shipments and history point at it) and
a vanished line is marked ``removed`` so that it holds no stock any more. A line whose product identity
changed gives its stock back and is matched again.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from lib.fastwrite import update_rows
from orders.models import Order, OrderLine, OrderPackage
from orders.services import release_lines
from rakuten_link.sync.orders.changes import LINE_IDENTITY
from rakuten_link.sync.orders.fields import MappedOrder, as_comparable
from rakuten_link.sync.orders.matching import LineMatcher


@dataclass
class RowWrites:
    """The packages and lines the changed orders of one batch add or change, written together by ``flush``:
    a few statements per batch, not per order."""

    new_packages: list[OrderPackage] = field(default_factory=list)
    changed_packages: defaultdict[tuple[str, ...], list[OrderPackage]] = field(
        default_factory=lambda: defaultdict(list))
    new_lines: list[OrderLine] = field(default_factory=list)
    changed_lines: defaultdict[tuple[str, ...], list[OrderLine]] = field(default_factory=lambda: defaultdict(list))

    def flush(self) -> None:
        """Packages first: a new line takes the key of its new package from it."""
        OrderPackage.objects.bulk_create(self.new_packages)
        for names, packages in self.changed_packages.items():
            update_rows(packages, names)
        OrderLine.objects.bulk_create(self.new_lines)  # their keys are read back: allocation writes by key
        for names, lines in self.changed_lines.items():
            update_rows(lines, names)


def sync_packages(order: Order, new: MappedOrder, packages: dict[int, OrderPackage], writes: RowWrites) -> None:
    """Change packages and add new ones (written by ``writes.flush``); ``packages`` (by basket id) is updated in
    place."""
    for mapped in new.packages:
        package = packages.get(mapped.basket_id)
        if package is None:
            package = packages[mapped.basket_id] = OrderPackage(order=order, **mapped.fields)
            writes.new_packages.append(package)
        elif _assign(package, mapped.fields):
            writes.changed_packages[tuple(mapped.fields)].append(package)


def sync_lines(
    order: Order,
    new: MappedOrder,
    lines: Mapping[int, OrderLine],
    packages: Mapping[int, OrderPackage],
    matcher: LineMatcher,
    writes: RowWrites,
) -> list[OrderLine]:
    """The order's lines after the update, for allocation once ``writes`` has written the new and changed ones."""
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
    writes.new_lines += created
    if changed:
        writes.changed_lines[(*new.lines[0].fields, "sku") if new.lines else ("removed",)] += changed
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
