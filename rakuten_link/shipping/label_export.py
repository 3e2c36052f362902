"""Orders out to a carrier's label software: one row per package not yet shipped, or the reasons it cannot be.

Nothing is cut to fit. A package whose row cannot be made (an address too long for the carrier's fields, no
phone number, a time slot the carrier does not offer, an unfixed amount to collect) is listed with its reasons
and left out of the file, and the caller shows that list before the file (the preview page, the command).
The row's お客様管理番号 is the order number and the basket (``key_of``), which is how the numbers the
software issues find their package again (``label_import``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import EcAccount
from orders.models import Order, OrderPackage, OrderProgress, OrderState, Shipment
from rakuten_link.rms.parse_orders import parse_order
from rakuten_link.shipping.label_settings import LabelSettings
from rakuten_link.shipping.labels import (
    AM,
    CHILLED,
    COD,
    COMPACT,
    COMPACT_COD,
    FROZEN,
    MAILBOX,
    NORMAL,
    LabelProblems,
    LabelRow,
    Party,
    b2,
    clickpost,
    ehiden,
    files,
    slot_of,
    yupri,
)

CARRIERS = {"b2": b2, "ehiden": ehiden, "yupri": yupri, "clickpost": clickpost}
COD_SETTLEMENT = 2  # RMS settlementMethodCode 代金引換
_KEY = re.compile(r"^(?P<order>[0-9A-Za-z]+-\d{8}-\d+)(?:-(?P<basket>\d+))?$")
_TERMS = {2: "午後", 9: "その他"}
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_HOURS = re.compile(r"(\d{1,2})(?::\d{2})?\s*(?:時)?\s*[~〜～\-ー−]\s*(\d{1,2})(?::\d{2})?")


class NoLabelSettings(Exception):
    """The account has no label settings (sender, contract codes): nothing can be exported."""


@dataclass
class Problem:
    order_number: str
    basket_id: int
    reasons: list[str]


@dataclass
class LabelExport:
    carrier: str
    data: bytes = b""
    rows: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def filename(self) -> str:
        return f"{self.carrier}-{timezone.localdate():%Y%m%d}.csv"


def key_of(package: OrderPackage, order: Order) -> str:
    return f"{order.order_number}-{package.basket_id}"


def parse_key(key: str) -> tuple[str, str] | None:
    """(order number, basket id or "") of a key made here, None for one that is not ours."""
    match = _KEY.match((key or "").strip())
    return (match["order"], match["basket"] or "") if match else None


def settings_of(account: EcAccount) -> LabelSettings:
    found = LabelSettings.objects.filter(account=account).first()
    if found is None:
        raise NoLabelSettings(_("Account %(account)s has no label settings: enter the sender and contract codes "
                                "under 送り状設定 first.") % {"account": account.name})
    return found


def options_of(setup: LabelSettings) -> dict:
    return {**(setup.options or {}), "b2_billing_code": setup.b2_billing_code,
            "b2_billing_class": setup.b2_billing_class, "b2_freight_number": setup.b2_freight_number,
            "ehiden_customer_code": setup.sagawa_customer_code, "yupri_label_code": setup.yupri_label_code}


def shippable(account: EcAccount):
    """The saved filter: confirmed (or later), allocated, not shipped, not cancelled."""
    return Order.objects.filter(account=account, state=OrderState.ALLOCATED,
                                order_progress=OrderProgress.AWAITING_SHIPMENT)


def export_labels(account: EcAccount, carrier: str, orders: Iterable[Order], *, ship_on: date | None = None,
                  size: str = "") -> LabelExport:
    """``size``: NORMAL, COMPACT or MAILBOX for every package of these orders (staff's choice for this batch),
    or "" to decide per package from the settings' delivery-method words and SKU lists."""
    module = CARRIERS[carrier]
    setup = settings_of(account)
    options = options_of(setup)
    result = LabelExport(carrier)
    rows: list[list[str]] = []
    for order, package in _packages(account, orders):
        reasons = _refusals(order, package)
        try:
            if reasons:
                raise LabelProblems(reasons)
            label = _label(order, package, setup, ship_on or timezone.localdate(), size)
            if carrier == "clickpost" and len(rows) >= clickpost.MAX_ROWS:
                raise LabelProblems([_("クリックポスト takes %(n)d rows a file: export this one in another file.")
                                     % {"n": clickpost.MAX_ROWS}])
            rows.append(module.make(label, options))
        except LabelProblems as exc:
            result.problems.append(Problem(order.order_number, package.basket_id, exc.reasons))
    result.rows = len(rows)
    if rows:
        result.data = files.write(module.HEADER, rows)
    return result


def _packages(account: EcAccount, orders: Iterable[Order]):
    chosen = [o.pk for o in orders]
    found = (Order.objects.filter(account=account, pk__in=chosen).order_by("ordered_at", "pk")
             .prefetch_related("packages__lines__sku", "shipments"))
    for order in found:
        for package in sorted(order.packages.all(), key=lambda p: p.basket_id):
            if any(not line.removed for line in package.lines.all()):
                yield order, package


def _refusals(order: Order, package: OrderPackage) -> list[str]:
    if order.state == OrderState.CANCELLED or order.order_progress == OrderProgress.CANCELLED:
        return [_("The order is cancelled.")]
    shipped: list[Shipment] = [s for s in order.shipments.all() if s.package_id == package.pk and not s.deleted]
    if any(s.tracking_number for s in shipped):
        return [_("The package already has a tracking number (%(number)s).")
                % {"number": ", ".join(s.tracking_number for s in shipped if s.tracking_number)}]
    return []


def _label(order: Order, package: OrderPackage, setup: LabelSettings, ship_on: date, size: str) -> LabelRow:
    rms = parse_order(order.raw) if order.raw else None
    term = rms.shipping_term if rms else None
    reasons: list[str] = []
    kind = _kind(order, package, setup, rms.delivery_name if rms else "", reasons, size)
    deliver_on = rms.delivery_date if rms else None
    slot, slot_label = slot_of(term), _TERMS.get(term or 0, "")
    asked_day, asked_slot = remarks_request(order.remarks)
    deliver_on = deliver_on or asked_day
    if not slot and asked_slot:  # chosen by the buyer, but not (or not as a range) in shippingTerm
        slot, slot_label = slot_from_label(asked_slot), asked_slot
    if deliver_on and deliver_on < ship_on:
        reasons.append(_("The requested delivery date %(day)s is before the shipping date.") % {"day": deliver_on})
    cod_amount = cod_tax = 0
    if kind in (COD, COMPACT_COD):
        cod_amount = order.request_price
        cod_tax = sum(int(row.get("request_tax") or 0) for row in order.tax_summary or [])
        if order.packages.count() > 1:
            reasons.append(_("A cash-on-delivery order with several packages: make its labels by hand."))
        if cod_amount <= 0:
            reasons.append(_("The amount to collect is not fixed yet in RMS."))
    if reasons:
        raise LabelProblems(reasons)
    return LabelRow(
        key=key_of(package, order), kind=kind, ship_on=ship_on, item_name=setup.item_name,
        recipient=Party(package.recipient_name, package.recipient_zip, package.recipient_address,
                        package.recipient_phone, package.recipient_kana),
        sender=Party(setup.sender_name, setup.sender_zip, setup.sender_address, setup.sender_phone,
                     setup.sender_kana),
        cool={2: CHILLED, 3: FROZEN}.get(rms.delivery_class or 0, "") if rms else "",
        deliver_on=deliver_on, slot=slot, slot_label=slot_label,
        cod_amount=cod_amount, cod_tax=cod_tax)


def remarks_request(remarks: str) -> tuple[date | None, str]:
    """The date and slot label under 「[配送日時指定:]」 in the buyer's remarks (what RMS writes there)."""
    _head, found, rest = (remarks or "").partition("[配送日時指定:]")
    if not found:
        return None, ""
    lines = [line.strip() for line in rest.strip().splitlines()[:2] if line.strip() and "[" not in line]
    day = None
    if lines and (match := _DAY.match(lines[0])):
        day, lines = date(*(int(part) for part in match.groups())), lines[1:]
    return day, lines[0] if lines else ""


def slot_from_label(label: str) -> str:
    """「午前中」 → "am", 「14:00〜16:00」 (full-width colons and tildes too) → "1416", anything else "?label"."""
    text = unicodedata.normalize("NFKC", label)
    if "午前" in text:
        return AM
    match = _HOURS.search(text)
    if match:
        start, end = int(match[1]), int(match[2])
        return f"{start:02d}{end:02d}" if 7 <= start < end <= 24 else f"?{label}"
    return f"?{label}"


def _kind(order: Order, package: OrderPackage, setup: LabelSettings, delivery_name: str,
          reasons: list[str], size: str = "") -> str:
    """COD from the settlement; the size as staff chose it, else mailbox or compact from the delivery method's
    words, else from the SKUs."""
    cod = order.settlement_method_code == COD_SETTLEMENT
    if not size:
        size = _size(package, setup, delivery_name)
    if size == MAILBOX and cod:
        reasons.append(_("A mailbox parcel cannot collect cash on delivery: change the delivery method."))
    if size == COMPACT:
        return COMPACT_COD if cod else COMPACT
    return COD if cod and size == NORMAL else size


def _size(package: OrderPackage, setup: LabelSettings, delivery_name: str) -> str:
    mailbox_words, compact_words = setup.word_rules()
    mailbox_skus, compact_skus = setup.sku_rules()
    lines = [line for line in package.lines.all() if not line.removed]
    codes = {line.sku.code if line.sku else "" for line in lines}
    units = sum(line.units for line in lines)
    if any(word in delivery_name for word in mailbox_words) or (codes <= mailbox_skus and units == 1):
        return MAILBOX
    if any(word in delivery_name for word in compact_words) or codes <= (compact_skus | mailbox_skus):
        return COMPACT
    return NORMAL
