"""Consumption tax per rate, as a qualified invoice (適格請求書) states it, and the check against RMS.

The invoice rules allow one rounding per tax rate per document: the tax is worked out once from the
tax-inclusive total of each rate (tax = total × rate / (1 + rate)) and rounded to the yen with the shop's
消費税1円未満端数 rule, never line by line. Everything here is Decimal arithmetic on integer yen.

What goes into a rate's total: the goods of that rate (prices on Rakuten are tax-inclusive), plus postage,
the COD fee and the payment charge in the standard 10 % group (the order carries no tax rate of its own for
them). Coupons and points are not taken off: on Rakuten they are shown as means of payment between the
total and the billed amount, and what we store does not say which coupons the shop itself funded.

RMS sends its own per-rate summary with every order (stored as ``Order.tax_summary``). Its tax is worked
out on the billed part of each rate (after coupons and points) with the rounding set in RMS. So the check
compares like with like: our total of a rate against RMS's total plus payment charge, and RMS's tax against
what our rounding rule gives on RMS's own billed amount. The second is what catches a rounding setting here
that is out of step with the one in RMS.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, ROUND_UP, Decimal, InvalidOperation

from django.db import transaction

from accounts.models import TaxRounding

from .models import STICKY_REASONS, AttentionReason, Order, OrderLine
from .services import evaluate_state, save_orders

STANDARD_RATE = Decimal("0.100")
REDUCED_RATE = Decimal("0.080")
RATE_PLACES = Decimal("0.001")
# The two rates a Japanese invoice always states, even when one of them has nothing in it.
STATED_RATES = (STANDARD_RATE, REDUCED_RATE)
# 切り捨て and 切り上げ work on the magnitude, so a negative amount (a correction) rounds like a positive one.
_ROUNDING: dict[str, str] = {TaxRounding.FLOOR: ROUND_DOWN, TaxRounding.CEIL: ROUND_UP,
                             TaxRounding.HALF_UP: ROUND_HALF_UP}
# Reasons evaluate_state derives by itself; any other non-sticky reason is a marketplace one it must be given.
_DERIVED_REASONS = frozenset({AttentionReason.UNMATCHED_LINE, AttentionReason.SHORT_STOCK,
                              AttentionReason.UNMAPPED_PAYMENT})


@dataclass(frozen=True)
class RateTotal:
    """One rate of an invoice: its tax-inclusive total and the consumption tax contained in it."""

    rate: Decimal
    total: int
    tax: int

    @property
    def percent(self) -> int:
        return int(self.rate * 100)

    @property
    def reduced(self) -> bool:
        return is_reduced(self.rate)


@dataclass(frozen=True)
class TaxDifference:
    """Where our per-rate figure and RMS's differ: ``what`` is "total" or "tax"."""

    rate: Decimal
    what: str
    ours: int
    rms: int

    def __str__(self) -> str:
        return f"{int(self.rate * 100)}% {self.what}: ours {self.ours}, RMS {self.rms}"


def normalize_rate(value: object) -> Decimal | None:
    """0.1, "0.10" and Decimal("0.100") are the same rate; None for something that is not a rate."""
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value)).quantize(RATE_PLACES)
    except (InvalidOperation, ValueError):
        return None


def is_reduced(rate: Decimal) -> bool:
    """The reduced rate (軽減税率, 8 %): the items a slip marks with ※."""
    return Decimal(0) < rate < STANDARD_RATE


def round_yen(amount: Decimal, rounding: str) -> int:
    """Round to the yen with the shop's rule (accounts.TaxRounding); an unknown rule counts as 切り捨て."""
    mode = _ROUNDING.get(rounding, ROUND_DOWN)
    return int(amount.quantize(Decimal(1), rounding=mode))


def included_tax(total: int, rate: Decimal, rounding: str) -> int:
    """The consumption tax contained in a tax-inclusive total: total × rate / (1 + rate), rounded once."""
    if not rate:
        return 0
    return round_yen(Decimal(total) * rate / (1 + rate), rounding)


def rate_totals(amounts: Mapping[Decimal, int], rounding: str) -> list[RateTotal]:
    """Tax per rate from tax-inclusive totals: 10 % and 8 % always, another rate only when it holds money.

    Highest rate first, as invoices list them.
    """
    rates = set(STATED_RATES) | {rate for rate, total in amounts.items() if total}
    return [RateTotal(rate, amounts.get(rate, 0), included_tax(amounts.get(rate, 0), rate, rounding))
            for rate in sorted(rates, reverse=True)]


def live_lines(lines: Iterable[OrderLine]) -> list[OrderLine]:
    """The lines that were sold: the marketplace's deleted lines and zero-unit lines are history only."""
    return [line for line in lines if not line.removed and line.units > 0]


def goods_by_rate(lines: Iterable[OrderLine]) -> dict[Decimal, int]:
    """Σ unit price × units of the live lines, per tax rate."""
    amounts: dict[Decimal, int] = {}
    for line in live_lines(lines):
        rate = normalize_rate(line.tax_rate) or Decimal(0).quantize(RATE_PLACES)
        amounts[rate] = amounts.get(rate, 0) + line.price * line.units
    return amounts


def order_amounts(order: Order, lines: Sequence[OrderLine]) -> dict[Decimal, int]:
    """Tax-inclusive total per rate of the whole order: goods, then postage and fees at 10 %."""
    amounts = goods_by_rate(lines)
    fees = order.postage_price + order.delivery_price + order.payment_charge
    if fees:
        amounts[STANDARD_RATE] = amounts.get(STANDARD_RATE, 0) + fees
    return amounts


def order_rate_totals(order: Order, lines: Sequence[OrderLine] | None = None) -> list[RateTotal]:
    """The per-rate totals and taxes of an order with its account's rounding rule."""
    lines = list(order.lines.all()) if lines is None else lines
    return rate_totals(order_amounts(order, lines), order.account.tax_rounding)


def check_tax_summary(order: Order, lines: Sequence[OrderLine] | None = None) -> list[TaxDifference]:
    """Differences between our per-rate figures and RMS's stored summary; [] when they agree or RMS sent none."""
    rms_rows = _rms_rows(order.tax_summary)
    if not rms_rows:
        return []
    lines = list(order.lines.all()) if lines is None else lines
    ours = order_amounts(order, lines)
    rounding = order.account.tax_rounding
    differences = []
    for rate in sorted(set(rms_rows) | {r for r, total in ours.items() if total}, reverse=True):
        row = rms_rows.get(rate, {})
        rms_total = _int(row.get("total_price")) + _int(row.get("payment_charge"))
        if ours.get(rate, 0) != rms_total:
            differences.append(TaxDifference(rate, "total", ours.get(rate, 0), rms_total))
        rms_tax = _int(row.get("request_tax"))
        our_tax = included_tax(_int(row.get("request_price")), rate, rounding)
        if our_tax != rms_tax:
            differences.append(TaxDifference(rate, "tax", our_tax, rms_tax))
    return differences


def tax_mismatch_reasons(order: Order, lines: Sequence[OrderLine] | None = None) -> list[str]:
    """[TAX_MISMATCH] or []: for the intake to pass in ``allocate_orders(extra_reasons=...)``."""
    return [AttentionReason.TAX_MISMATCH.value] if check_tax_summary(order, lines) else []


@transaction.atomic
def flag_tax_mismatch(order: Order) -> list[TaxDifference]:
    """Re-check one order and set or clear its TAX_MISMATCH reason (through orders.services); returns the
    differences. The other marketplace reasons the order carries (a pending cancellation) are kept.
    """
    order = Order.objects.select_for_update().select_related("account").get(pk=order.pk)
    lines = list(order.lines.all())
    differences = check_tax_summary(order, lines)
    kept = [r for r in order.attention_reasons
            if r not in STICKY_REASONS and r not in _DERIVED_REASONS and r != AttentionReason.TAX_MISMATCH]
    if differences:
        kept.append(AttentionReason.TAX_MISMATCH.value)
    before = (order.state, tuple(order.attention_reasons))
    evaluate_state(order, lines, extra=kept)
    if (order.state, tuple(order.attention_reasons)) != before:
        save_orders([(order, lines)])
    return differences


def _rms_rows(rows: object) -> dict[Decimal, dict]:
    """The stored summary (our own JSON shape, see rakuten_link.sync.orders.fields) by normalized rate."""
    found: dict[Decimal, dict] = {}
    for row in rows if isinstance(rows, list) else ():
        rate = normalize_rate(row.get("tax_rate")) if isinstance(row, dict) else None
        if rate is not None:
            found[rate] = row
    return found


def _int(value: object) -> int:
    return value if isinstance(value, int) else 0
