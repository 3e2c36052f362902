"""The picking list: what to take from which shelf for the orders being packed, as a PDF, CSV or Excel file.

One row per SKU and store, units summed over the orders, the orders each unit goes to beside it. The units
are what the orders hold in each store (the stock ledger's allocation), so a line short of stock shows only
what is there. Rows are grouped by store and walk the shelves: by 棚番 (``StockLevel.location``; SKUs
without one come last), then SKU code. The PDF uses the 納品書's WeasyPrint set-up (orders.slips).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from inventory.models import StockLevel, Store

from . import barcode
from .ledger import line_id, read_ledgers
from .models import Order, OrderState
from .slips import _template_dir, _weasyprint

TEMPLATE = "orders/picking_list.html"


@dataclass
class PickRow:
    store: Store
    location: str
    sku_code: str
    name: str
    options: str
    jan: str
    units: int = 0
    orders: dict[str, int] = field(default_factory=dict)  # order number → units

    @property
    def order_text(self) -> str:
        return ", ".join(f"{number} ×{units}" if units > 1 else number for number, units in self.orders.items())

    @property
    def jan_svg(self) -> str:
        return barcode.svg(self.jan) if self.jan else ""


def to_pick(account=None):
    """The saved filter: every order allocated and not shipped (of one account, or all)."""
    orders = Order.objects.filter(state=OrderState.ALLOCATED)
    return orders.filter(account=account) if account is not None else orders


def picking_rows(orders: Iterable[Order]) -> list[PickRow]:
    chosen = list(Order.objects.filter(pk__in=[o.pk for o in orders]).order_by("ordered_at", "pk")
                  .prefetch_related("lines__sku__product").defer("raw", "remarks", "tax_summary"))
    entries = [(order, [line for line in order.lines.all() if line.sku_id and not line.removed]) for order in chosen]
    ledgers = read_ledgers(entries)
    rows: dict[tuple[int, int], PickRow] = {}
    for order, lines in entries:
        for line in lines:
            ledger = ledgers.get(line_id(order, line))
            for store_id, units in (ledger.held.items() if ledger else ()):
                if units <= 0 or ledger is None:
                    continue
                row = rows.get((store_id, line.sku_id or 0))
                if row is None:
                    sku = line.sku
                    assert sku is not None  # lines without a SKU were left out above
                    row = rows[(store_id, sku.pk)] = PickRow(
                        ledger.stores[store_id], "", sku.code, sku.name,
                        " / ".join(f"{k}:{v}" for k, v in (sku.options or {}).items()), sku.jan_code)
                row.units += units
                row.orders[order.order_number] = row.orders.get(order.order_number, 0) + units
    _locate(rows)
    return sorted(rows.values(), key=lambda r: (r.store.code, r.location == "", r.location, r.sku_code))


def _locate(rows: dict[tuple[int, int], PickRow]) -> None:
    """Each row's 棚番, in one query."""
    if not rows:
        return
    levels = StockLevel.objects.filter(store_id__in={s for s, _k in rows}, sku_id__in={k for _s, k in rows})
    for store_id, sku_id, location in levels.values_list("store_id", "sku_id", "location"):
        if (store_id, sku_id) in rows:
            rows[(store_id, sku_id)].location = location


def picking_pdf(rows: list[PickRow]) -> bytes:
    weasyprint = _weasyprint()
    groups: dict[Store, list[PickRow]] = {}
    for row in rows:
        groups.setdefault(row.store, []).append(row)
    numbers = sorted({number for row in rows for number in row.orders})
    html = render_to_string(TEMPLATE, {"groups": groups.items(), "made_at": timezone.localtime(),
                                       "orders": [(number, barcode.svg(number)) for number in numbers]})
    return weasyprint.HTML(string=html, base_url=str(_template_dir())).write_pdf()


HEADER = ("store", "location (棚番)", "SKU code", "SKU name", "options", "JAN code", "units", "orders")


def header() -> list[str]:
    return [_(name) for name in HEADER]


def table(rows: list[PickRow]) -> list[list]:
    return [[f"{r.store.code} {r.store.name}", r.location, r.sku_code, r.name, r.options, r.jan, r.units,
             r.order_text] for r in rows]
