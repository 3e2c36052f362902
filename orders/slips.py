"""Delivery slips (納品書) in the qualified-invoice style (適格請求書), as one A4 PDF, with WeasyPrint.

One slip per destination (送付先, an OrderPackage), because each parcel carries its own slip. An order's
money is stated once, on the slip of its last destination: goods, postage and fees, coupons, points, the
billed amount and the tax per rate, worked out once per rate for the whole order (orders.tax). With a single
destination, the usual case, that slip is simply the whole order. Each slip starts on a new page; a long one
runs on with the table header repeated.

The document is for the buyer of a Japanese shop, so it is rendered in Japanese whatever the staff's
language (its text still goes through the translation catalogue).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

from django.db.models import prefetch_related_objects
from django.template import Engine
from django.template.loader import get_template
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from accounts.models import EcAccount

from . import barcode
from .models import Order, OrderLine, OrderPackage
from .tax import RateTotal, goods_by_rate, is_reduced, live_lines, order_rate_totals

TEMPLATE = "orders/delivery_slip.html"
STYLESHEET = "delivery_slip.css"  # beside the template
SLIP_LANGUAGE = "ja"
SLIPS_PER_LAYOUT = 25  # slips laid out in one WeasyPrint document before their pages are joined


class SlipsUnavailable(RuntimeError):
    """WeasyPrint, or the system libraries it loads (Pango, HarfBuzz), is not installed here."""


UNAVAILABLE_MESSAGE = gettext_lazy("Delivery slips cannot be made on this server: WeasyPrint or the system "
                                   "libraries it needs (Pango) are missing. Ask the administrator to install "
                                   "them (see the README).")


class Yen(int):
    """An amount that prints as ¥1,234 in the template and still adds up as an int."""

    def __str__(self) -> str:
        return f"¥{int(self):,}"


@dataclass(frozen=True)
class SlipLine:
    name: str
    item_number: str
    options: list[str]
    unit_price: Yen
    units: int
    amount: Yen
    reduced: bool


@dataclass(frozen=True)
class SlipRate:
    """One row of the per-rate table, in yen for print."""

    percent: int
    reduced: bool
    total: Yen
    tax: Yen


@dataclass(frozen=True)
class OrderTotals:
    """The money of the whole order, stated once (on the last slip of the order)."""

    goods: Yen
    postage: Yen
    cod_fee: Yen
    payment_charge: Yen
    coupons: Yen
    points: Yen
    billed: Yen
    rates: list[SlipRate]


@dataclass
class Slip:
    """One page group of the PDF: one destination of one order."""

    order: Order
    account: EcAccount
    package: OrderPackage | None
    number: int
    count: int
    lines: list[SlipLine]
    goods: Yen
    postage: Yen
    cod_fee: Yen
    totals: OrderTotals | None = None
    issued_on: date = field(default_factory=timezone.localdate)

    @property
    def ordered_on(self) -> date:
        return timezone.localtime(self.order.ordered_at).date()

    @property
    def barcode(self) -> str:
        """The order number as Code 128 (our own SVG, no user text in its markup): scan-to-ship reads it."""
        return barcode.svg(self.order.order_number, height=24.0)


@dataclass(frozen=True)
class SlipPdf:
    data: bytes
    pages: int
    slips: int


def build_slips(orders: Iterable[Order]) -> list[Slip]:
    """The slips of the orders, in the given order: one per destination with goods on it."""
    orders = list(orders)
    prefetch_related_objects(orders, "account", "packages", "lines")
    slips: list[Slip] = []
    for order in orders:
        slips += order_slips(order)
    return slips


def order_slips(order: Order) -> list[Slip]:
    """One order's slips; the last one carries the order's totals and tax."""
    lines = list(order.lines.all())
    groups = _by_package(order, lines)
    slips = []
    for number, (package, package_lines) in enumerate(groups, start=1):
        live = live_lines(package_lines)
        slips.append(Slip(
            order=order, account=order.account, package=package, number=number, count=len(groups),
            lines=[_slip_line(line) for line in live], goods=Yen(sum(goods_by_rate(live).values())),
            postage=Yen(package.postage_price if package else 0), cod_fee=Yen(package.delivery_price if package else 0),
        ))
    slips[-1].totals = order_totals(order, lines)
    return slips


def order_totals(order: Order, lines: Sequence[OrderLine]) -> OrderTotals:
    """Fees, coupons, points and the billed amount as RMS stated them; goods and tax from our lines."""
    return OrderTotals(
        goods=Yen(sum(goods_by_rate(lines).values())), postage=Yen(order.postage_price),
        cod_fee=Yen(order.delivery_price), payment_charge=Yen(order.payment_charge),
        coupons=Yen(order.coupon_total), points=Yen(order.used_point), billed=Yen(order.request_price),
        rates=[_slip_rate(rate) for rate in order_rate_totals(order, lines)],
    )


def render_slips(slips: Sequence[Slip], *, progress: Callable[[int], None] | None = None) -> SlipPdf:
    """All slips in one PDF (WeasyPrint is imported here: only printing needs its system libraries).

    Laid out SLIPS_PER_LAYOUT slips at a time and joined page by page (WeasyPrint's Document.copy): one
    HTML document of 300 slips held its whole DOM and cascade at once and peaked at 564 MB, in chunks of
    25 at 352 MB (bench/README.md). ``progress`` is called with the number of slips laid out so far.
    """
    weasyprint = _weasyprint()
    first, pages = None, []
    for start in range(0, max(len(slips), 1), SLIPS_PER_LAYOUT):
        document = _layout(weasyprint, slips[start:start + SLIPS_PER_LAYOUT])
        first = first or document
        pages += document.pages
        if progress is not None:
            progress(min(start + SLIPS_PER_LAYOUT, len(slips)))
    assert first is not None  # the loop lays out at least once, even for no slips
    return SlipPdf(data=first.copy(pages).write_pdf(), pages=len(pages), slips=len(slips))


def _layout(weasyprint, slips: Sequence[Slip]):
    with translation.override(SLIP_LANGUAGE):
        html = get_template(TEMPLATE).render({"slips": slips})
    return weasyprint.HTML(string=html, base_url=str(_template_dir())).render(stylesheets=[_stylesheet()])


def slips_pdf(orders: Iterable[Order]) -> SlipPdf:
    return render_slips(build_slips(orders))


def slip_filename(orders: Sequence[Order]) -> str:
    """delivery_slip_<order number>.pdf for one order, delivery_slips_<n>.pdf for several."""
    if len(orders) == 1:
        number = re.sub(r"[^0-9A-Za-z-]", "", orders[0].order_number) or "order"
        return f"delivery_slip_{number}.pdf"
    return f"delivery_slips_{len(orders)}.pdf"


def _by_package(order: Order, lines: Sequence[OrderLine]) -> list[tuple[OrderPackage | None, list[OrderLine]]]:
    """Destinations in basket order, each with its lines. A destination whose every line was deleted by the
    marketplace gets no slip, unless nothing else is left (a cancelled order still prints one).
    """
    packages = sorted(order.packages.all(), key=lambda p: (p.basket_id, p.pk))
    groups: list[tuple[OrderPackage | None, list[OrderLine]]] = [
        (p, [line for line in lines if line.package_id == p.pk]) for p in packages]
    loose = [line for line in lines if line.package_id is None or line.package_id not in {p.pk for p in packages}]
    if loose:
        if groups:
            groups[0][1].extend(loose)
        else:
            groups.append((None, loose))
    kept = [group for group in groups if live_lines(group[1])]
    return kept or groups[:1] or [(None, [])]


def _slip_line(line: OrderLine) -> SlipLine:
    return SlipLine(
        name=line.name, item_number=line.item_number or line.manage_number, options=_options(line),
        unit_price=Yen(line.price), units=line.units, amount=Yen(line.price * line.units),
        reduced=is_reduced(line.tax_rate),
    )


def _slip_rate(rate: RateTotal) -> SlipRate:
    return SlipRate(percent=rate.percent, reduced=rate.reduced, total=Yen(rate.total), tax=Yen(rate.tax))


def _options(line: OrderLine) -> list[str]:
    """SKU info and selected options (項目名:選択肢 lines), each once."""
    found = []
    for text in (line.sku_info, line.selected_choice):
        found += [part.strip() for part in (text or "").splitlines() if part.strip()]
    return list(dict.fromkeys(found))


def _template_dir() -> Path:
    return Path(Engine.get_default().get_template(TEMPLATE).origin.name).parent


def _weasyprint():
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: a shared library such as libpango is missing
        raise SlipsUnavailable(str(exc)) from exc
    return weasyprint


@cache
def _stylesheet():
    """Parsed once per process: the 100-slip batch should not pay for it more than once."""
    return _weasyprint().CSS(filename=str(_template_dir() / STYLESHEET))
