"""CSV import of stock counts: check every row, then write every row, or write nothing.

The file is read twice as a stream, in chunks of rows with one SKU lookup per chunk: first every row is
checked (nothing kept but the first errors and a compact table of the keys seen, for duplicates), then,
if no row is bad, the counts are written chunk by chunk inside one transaction. A file of a million
rows never becomes a million objects.
"""

from __future__ import annotations

from typing import BinaryIO

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from lib.csvfile import Column, CsvRow, CsvTable, ImportReport, RowError, parse_int
from lib.csvseen import SeenLines

from .models import MovementKind, Sku, StockLevel, Store
from .services import one_stock_notice, set_stock_counts

STOCK_COLUMNS = (
    Column("store", ("店舗コード", "store_code")),
    Column("sku", ("SKUコード", "sku_code")),
    Column("quantity", ("数量", "在庫数", "quantity")),
)
MAX_COUNT = 9_999_999


def import_stock_counts(source: bytes | BinaryIO, *, user=None, dry_run: bool = False) -> ImportReport:
    """Set on_hand to the counted quantity for each (store, SKU) row; see lib.csvfile for encodings.

    Raises CsvFormatError for a file that cannot be read or has no data rows (nothing is written).
    """
    report = ImportReport(dry_run=dry_run)
    table = CsvTable(source, STOCK_COLUMNS)
    stores = {store.code: store for store in Store.objects.all()}
    seen = SeenLines()
    for chunk in table.chunks():
        checked = list(_checked(chunk, stores, seen, report))
        _preview(checked, report, count=dry_run)
    if report.errors or dry_run:
        return report
    with transaction.atomic(), one_stock_notice():
        for chunk in table.chunks():
            counts = [(store, sku, counted) for _line, store, sku, counted in _checked(chunk, stores, None, report)]
            moved = set_stock_counts(counts, kind=MovementKind.CSV_IMPORT, note=_("CSV import"), user=user,
                                     returning=False)
            report.updated += len(moved)
            report.unchanged += len(counts) - len(moved)
        if report.errors:  # a SKU deleted since the check: still all rows or none
            transaction.set_rollback(True)
    return report


def _preview(checked: list, report: ImportReport, *, count: bool) -> None:
    """Each good row with the count on record beside it (one read per chunk); a dry run also counts changes."""
    on_hand = {(store_id, sku_id): quantity for store_id, sku_id, quantity in StockLevel.objects.filter(
        sku__in={sku.pk for _line, _store, sku, _counted in checked}).values_list("store_id", "sku_id", "on_hand")}
    for line, store, sku, counted in checked:
        current = on_hand.get((store.pk, sku.pk), 0)
        if count:
            report.updated += counted != current
            report.unchanged += counted == current
        report.preview.append({"line": line, "store": store.code, "sku": sku.code, "quantity": counted,
                               "current": current, "difference": counted - current,
                               "action_label": pgettext("stock import", "change") if counted != current
                               else pgettext("stock import", "unchanged")})


def _checked(chunk: list[CsvRow], stores: dict[str, Store], seen: SeenLines | None, report: ImportReport):
    """(line, store, SKU, count) of each good row of the chunk; the bad rows' errors go into the report.

    ``seen`` is None on the writing pass: duplicates were looked for on the checking pass.
    """
    skus = Sku.objects.in_bulk({row.values["sku"] for row in chunk}, field_name="code")
    for row in chunk:
        values = row.values
        store, sku = stores.get(values["store"]), skus.get(values["sku"])
        errors = _row_errors(row.line, values, store, sku, seen)
        if errors:
            report.errors.extend(errors)
        else:
            yield row.line, store, sku, parse_int(values["quantity"], maximum=MAX_COUNT)


def _row_errors(line, values, store, sku, seen: SeenLines | None) -> list[RowError]:
    errors = []
    if store is None:
        errors.append(RowError(line, "店舗コード", _("unknown store code '%(code)s'") % {"code": values["store"]}))
    if sku is None:
        errors.append(RowError(line, "SKUコード", _("unknown SKU code '%(code)s'") % {"code": values["sku"]}))
    try:
        parse_int(values["quantity"], maximum=MAX_COUNT)
    except ValueError as exc:
        errors.append(RowError(line, "数量", str(exc)))
    first = seen.first_line((values["store"], values["sku"]), line) if seen is not None else None
    if first is not None:
        errors.append(RowError(line, "SKUコード", _("duplicate of line %(line)d") % {"line": first}))
    return errors


STOCK_TEMPLATE_ROWS = (["店舗コード", "SKUコード", "数量"], ["S1", "TEE01-M-BLK", 12])


def stock_levels_for_export():
    """Rows for the stock export: header then one row per stock level."""
    yield ["店舗コード", "SKUコード", "数量"]
    for level in StockLevel.objects.select_related("store", "sku").iterator():
        yield [level.store.code, level.sku.code, level.on_hand]
