"""CSV import of stock counts: check every row, then write every row, or write nothing."""

from __future__ import annotations

from django.utils.translation import gettext as _

from lib.csvfile import Column, ImportReport, RowError, parse_int, read_table

from .models import MovementKind, Sku, StockLevel, Store
from .services import set_stock_counts

STOCK_COLUMNS = (
    Column("store", ("店舗コード", "store_code")),
    Column("sku", ("SKUコード", "sku_code")),
    Column("quantity", ("数量", "在庫数", "quantity")),
)


def import_stock_counts(data: bytes, *, user=None, dry_run: bool = False) -> ImportReport:
    """Set on_hand to the counted quantity for each (store, SKU) row; see lib.csvfile for encodings.

    Raises CsvFormatError for a file that cannot be read or has no data rows (nothing is written).
    """
    report = ImportReport(dry_run=dry_run)
    counts = _validate(data, report)
    if report.errors or dry_run:
        return report
    moved = set_stock_counts(counts, kind=MovementKind.CSV_IMPORT, note=_("CSV import"), user=user)
    report.updated = len(moved)
    report.unchanged = len(counts) - len(moved)
    return report


def _validate(data: bytes, report: ImportReport) -> list[tuple[Store, Sku, int]]:
    stores = {store.code: store for store in Store.objects.all()}
    rows = read_table(data, STOCK_COLUMNS)
    skus = Sku.objects.in_bulk([row.values["sku"] for row in rows], field_name="code")
    seen: dict[tuple[str, str], int] = {}
    counts = []
    for row in rows:
        store = stores.get(row.values["store"])
        sku = skus.get(row.values["sku"])
        errors = _row_errors(row.line, row.values, store, sku, seen)
        report.errors.extend(errors)
        if not errors and store is not None and sku is not None:  # no errors: both were found
            counted = parse_int(row.values["quantity"], maximum=9_999_999)
            counts.append((store, sku, counted))
            report.preview.append({"line": row.line, "store": store.code, "sku": sku.code, "quantity": counted})
    return counts


def _row_errors(line, values, store, sku, seen) -> list[RowError]:
    errors = []
    if store is None:
        errors.append(RowError(line, "店舗コード", _("unknown store code '%(code)s'") % {"code": values["store"]}))
    if sku is None:
        errors.append(RowError(line, "SKUコード", _("unknown SKU code '%(code)s'") % {"code": values["sku"]}))
    try:
        parse_int(values["quantity"], maximum=9_999_999)
    except ValueError as exc:
        errors.append(RowError(line, "数量", str(exc)))
    key = (values["store"], values["sku"])
    if key in seen:
        errors.append(RowError(line, "SKUコード", _("duplicate of line %(line)d") % {"line": seen[key]}))
    else:
        seen[key] = line
    return errors


def stock_levels_for_export():
    """Rows for the stock export: header then one row per stock level."""
    yield ["店舗コード", "SKUコード", "数量"]
    for level in StockLevel.objects.select_related("store", "sku").iterator():
        yield [level.store.code, level.sku.code, level.on_hand]
