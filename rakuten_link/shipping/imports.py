"""The tracking-number CSV: check every row, then record every parcel in one transaction — or nothing.

Used by the upload page on the order list (preview, then confirm) and by `manage.py import_shipments`.
Columns: 注文番号, 送付先ID (optional when the order has one package), 配送会社 (an RMS code or a carrier
name), お問い合わせ番号, 発送日 (YYYY-MM-DD or YYYY/MM/DD). Encodings are lib.csvfile's (UTF-8 with or
without BOM, or cp932 as Japanese Excel saves it).

A row fills in a parcel already recorded without a tracking number (what "mark selected shipped" leaves),
corrects the parcel with the same tracking number, is unchanged when that parcel already says the same,
and otherwise adds a parcel through ``orders.shipping.record_shipment``. So uploading the same file twice
adds nothing, and the report job sends each parcel to RMS once.
"""

from __future__ import annotations

import re
import unicodedata
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date
from typing import Any, BinaryIO

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from accounts.models import EcAccount
from lib.csvfile import Column, CsvRow, CsvTable, ErrorLog, ImportReport, RowError, parse_int
from lib.csvseen import SeenLines
from orders.models import MAX_SHIPMENTS_PER_PACKAGE, Order, OrderPackage, OrderProgress, OrderState, Shipment
from orders.models.shipment import normalize_tracking_number, validate_tracking_number
from orders.shipping import ShippingError, change_shipment, record_shipment
from rakuten_link.rms.codes import carrier_code, carrier_name
from rakuten_link.sync.orders.manual import normalize_order_number

COLUMNS = (
    Column("order_number", ("注文番号", "order_number")),
    Column("basket_id", ("送付先ID", "バスケットID", "basket_id"), required=False),
    Column("carrier", ("配送会社", "配送会社コード", "delivery_company")),
    Column("tracking_number", ("お問い合わせ番号", "伝票番号", "tracking_number")),
    Column("shipped_on", ("発送日", "shipped_on")),
)
LABELS = {column.key: column.label for column in COLUMNS}
_LABELS: ContextVar[dict] = ContextVar("shipment_import_labels", default=LABELS)  # the column names errors give


def _col(key: str) -> str:
    return _LABELS.get()[key]
_DATE = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$")

NEW, FILL, CORRECT, SAME = "new", "fill", "correct", "unchanged"
ACTION_LABELS = {
    NEW: pgettext_lazy("shipment import", "new shipment"),
    FILL: pgettext_lazy("shipment import", "tracking number added"),
    CORRECT: pgettext_lazy("shipment import", "corrected"),
    SAME: pgettext_lazy("shipment import", "unchanged"),
}


@dataclass
class ParsedRow:
    line: int
    order: Order
    package: OrderPackage
    values: dict  # delivery_company, tracking_number, shipped_on
    action: str = NEW
    shipment: Shipment | None = None  # the parcel a FILL / CORRECT / SAME row is about


class _RowFailed(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line, self.message = line, message


def import_shipments_csv(source: bytes | BinaryIO | None, *, account: EcAccount, dry_run: bool = False,
                         user=None, table: Any = None, labels: dict | None = None) -> ImportReport:
    """Raises CsvFormatError when the file as a whole is unreadable; row problems go into the report.

    The file is read as a stream in chunks, one order lookup per chunk: first every row is checked,
    counted and previewed, keeping between chunks only what the cross-row checks need (the keys seen,
    the blank parcels claimed, the parcels added per package); then, if no row is bad, the rows are
    decided again against the database, chunk by chunk, and recorded in one transaction.
    The carrier label import (label_import.py) gives its own ``table`` of the same columns, read from the file
    the label software gave back, and the ``labels`` of that file's columns for the messages.
    """
    _LABELS.set({**LABELS, **(labels or {})})
    report = ImportReport(dry_run=dry_run)
    table = table if table is not None else CsvTable(source or b"", COLUMNS)
    state = _PlanState()
    for parsed in _parsed_chunks(table, account, report):
        _plan(parsed, report, state)
        for row in parsed:
            report.created += row.action == NEW
            report.updated += row.action in (FILL, CORRECT)
            report.unchanged += row.action == SAME
            report.preview.append(_preview(row))
    if report.errors:
        report.created = report.updated = report.unchanged = 0
        return report
    if not dry_run:
        try:
            with transaction.atomic():
                for parsed in _parsed_chunks(table, account, _Refuse()):
                    _plan(parsed, ImportReport(), _PlanState())
                    _write(parsed, user)
        except _RowFailed as exc:
            report.errors.append(RowError(exc.line, _col("order_number"), exc.message))
    return report


@dataclass
class _PlanState:
    """What the checks of one row need from the rows above it."""

    seen: SeenLines = field(default_factory=SeenLines)  # (package, tracking number) -> line
    claimed: set[int] = field(default_factory=set)  # blank parcels a row above fills
    added: dict[int, int] = field(default_factory=dict)  # package -> parcels the rows above add


class _Refuse(ImportReport):
    """The writing pass's report: a row that has turned bad since the check (an order cancelled) stops it."""

    def __init__(self) -> None:
        super().__init__()
        self.errors = _RaisingLog()


class _RaisingLog(ErrorLog):
    def append(self, error: RowError) -> None:
        raise _RowFailed(error.line, error.message)


def _parsed_chunks(table: CsvTable, account: EcAccount, report: ImportReport):
    for rows in table.chunks():
        orders = _load_orders({normalize_order_number(row.values["order_number"]) for row in rows})
        yield [p for row in rows if (p := _parse_row(row, account, orders, report)) is not None]


def parse_ship_date(text: str) -> date:
    """2026-05-02, 2026/05/02 or 2026/5/2 (as Excel writes it); ValueError otherwise."""
    match = _DATE.match(unicodedata.normalize("NFKC", text or "").strip())
    if not match:
        raise ValueError(text)
    return date(*(int(part) for part in match.groups()))


def _load_orders(numbers: set[str]) -> dict[str, list[Order]]:
    """Order number → the orders of every account with that number, with packages and live parcels."""
    found: dict[str, list[Order]] = {}
    wanted = sorted(n for n in numbers if n)
    live = Prefetch("shipments", queryset=Shipment.objects.filter(deleted=False), to_attr="live_shipments")
    # Every account, named: the (account, order_number) index then serves the lookup; order_number alone has
    # none, and a file of 400,000 numbers would scan the order table 800 times.
    accounts = list(EcAccount.objects.values_list("pk", flat=True))
    for start in range(0, len(wanted), 500):
        chunk = Order.objects.filter(account_id__in=accounts, order_number__in=wanted[start:start + 500])
        chunk = chunk.select_related("account").defer("raw", "remarks", "tax_summary")  # the big cells
        for order in chunk.prefetch_related("packages", live):
            found.setdefault(order.order_number, []).append(order)
    return found


def _parse_row(row: CsvRow, account: EcAccount, orders: dict, report: ImportReport) -> ParsedRow | None:
    v = row.values
    errors: list[RowError] = []
    order = _order(row, account, orders, errors)
    package = _package(row, order, errors) if order is not None else None
    code = carrier_code(v["carrier"])
    if code is None:
        errors.append(RowError(row.line, _col("carrier"), _("unknown carrier '%(value)s': give a code such as "
                                                              "1001 or a name such as ヤマト運輸")
                               % {"value": v["carrier"]}))
    number = normalize_tracking_number(v["tracking_number"])
    if not number:
        errors.append(RowError(row.line, _col("tracking_number"), _("The tracking number is required.")))
    else:
        try:
            validate_tracking_number(number)
        except ValidationError as exc:
            errors.append(RowError(row.line, _col("tracking_number"), " ".join(exc.messages)))
    try:
        shipped_on = parse_ship_date(v["shipped_on"])
    except ValueError:
        errors.append(RowError(row.line, _col("shipped_on"), _("'%(value)s' is not a date: write it as "
                                                                 "YYYY-MM-DD or YYYY/MM/DD.")
                               % {"value": v["shipped_on"]}))
    report.errors.extend(errors)
    if errors or order is None or package is None:  # no order or package was reported as an error
        return None
    values = {"delivery_company": code, "tracking_number": number, "shipped_on": shipped_on}
    return ParsedRow(row.line, order, package, values)


def _order(row: CsvRow, account: EcAccount, orders: dict, errors: list[RowError]) -> Order | None:
    number = normalize_order_number(row.values["order_number"])
    candidates = orders.get(number, [])
    order = next((o for o in candidates if o.account_id == account.pk), None)
    message = None
    if not number:
        message = _("The order number is required.")
    elif order is None and candidates:
        message = _("order %(number)s belongs to account %(other)s, not to %(account)s") % {
            "number": number, "other": candidates[0].account.name, "account": account.name}
    elif order is None:
        message = _("unknown order %(number)s: fetch it first (注文番号で取得)") % {"number": number}
    elif order.state == OrderState.CANCELLED or order.order_progress == OrderProgress.CANCELLED:
        message = _("order %(number)s is cancelled: nothing can be shipped") % {"number": number}
    if message is not None:
        errors.append(RowError(row.line, _col("order_number"), message))
        return None
    return order


def _package(row: CsvRow, order: Order, errors: list[RowError]) -> OrderPackage | None:
    packages = list(order.packages.all())
    baskets = ", ".join(str(p.basket_id) for p in packages) or "—"
    text = row.values.get("basket_id", "")
    if not text:
        if len(packages) == 1:
            return packages[0]
        errors.append(RowError(row.line, _col("basket_id"), _(
            "order %(number)s has %(n)d packages: give the 送付先ID of this parcel (%(baskets)s)")
            % {"number": order.order_number, "n": len(packages), "baskets": baskets}))
        return None
    try:
        basket_id = parse_int(text)
    except ValueError as exc:
        errors.append(RowError(row.line, _col("basket_id"), str(exc)))
        return None
    package = next((p for p in packages if p.basket_id == basket_id), None)
    if package is None:
        errors.append(RowError(row.line, _col("basket_id"), _(
            "order %(number)s has no package with 送付先ID %(basket)s (its packages: %(baskets)s)")
            % {"number": order.order_number, "basket": text, "baskets": baskets}))
    return package


def _plan(parsed: list[ParsedRow], report: ImportReport, state: _PlanState) -> None:
    """Decide each row's action against the parcels already recorded and the rows above it."""
    claimed, added = state.claimed, state.added
    for row in parsed:
        first = state.seen.first_line((row.package.pk, row.values["tracking_number"]), row.line)
        if first is not None:
            report.errors.append(RowError(row.line, _col("tracking_number"),
                                          _("duplicate of line %(line)d") % {"line": first}))
            continue
        # The plugin types live_shipments (Prefetch to_attr) on the orders _load_orders yields, not on a plain Order.
        live = [s for s in row.order.live_shipments if s.package_id == row.package.pk]  # type: ignore[attr-defined]
        _match_existing(row, live, claimed)
        if row.action != NEW:
            continue
        added[row.package.pk] = added.get(row.package.pk, 0) + 1
        if len(live) + added[row.package.pk] > MAX_SHIPMENTS_PER_PACKAGE:
            report.errors.append(RowError(row.line, _col("basket_id"), _(
                "package %(basket)s of order %(number)s would get shipment %(n)d; RMS accepts at most %(max)d "
                "per package") % {"basket": row.package.basket_id, "number": row.order.order_number,
                                  "n": len(live) + added[row.package.pk], "max": MAX_SHIPMENTS_PER_PACKAGE}))


def _match_existing(row: ParsedRow, live: list[Shipment], claimed: set[int]) -> None:
    same_number = next((s for s in live if s.tracking_number == row.values["tracking_number"]), None)
    blank = next((s for s in live if not s.tracking_number and s.pk not in claimed), None)
    if same_number is not None:
        row.shipment = same_number
        row.action = SAME if same_number.values == _as_values(row.values) else CORRECT
    elif blank is not None:
        row.shipment, row.action = blank, FILL
    if row.shipment is not None:
        claimed.add(row.shipment.pk)


def _as_values(values: dict) -> dict[str, str]:
    return {**values, "shipped_on": values["shipped_on"].isoformat()}


def _preview(row: ParsedRow) -> dict:
    v = row.values
    return {"line": row.line, "order_number": row.order.order_number, "basket_id": row.package.basket_id,
            "carrier": f"{v['delivery_company']} {carrier_name(v['delivery_company'])}",
            "tracking_number": v["tracking_number"], "shipped_on": v["shipped_on"].isoformat(),
            "action_label": str(ACTION_LABELS[row.action])}


def _write(parsed: list[ParsedRow], user) -> None:
    """One transaction: a refusal on any row (an order cancelled since the preview) rolls back every row."""
    with transaction.atomic():
        for row in parsed:
            try:
                if row.action == NEW:
                    record_shipment(package=row.package, user=user, **row.values)
                elif row.action in (FILL, CORRECT):
                    assert row.shipment is not None  # _match_existing gives these actions their parcel
                    change_shipment(row.shipment, user=user, **row.values)
            except ShippingError as exc:
                raise _RowFailed(row.line, str(exc)) from None
