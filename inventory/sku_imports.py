"""CSV import of products and SKUs, options and price included: check every row, then write all or none.

Used by the SKU admin upload page (preview, then confirm) and by `manage.py import_skus`. Rows are matched
by code: a missing product or SKU is created, an existing one updated. A SKU already filed under another
product is refused rather than moved, since moving it changes what that product's listings sell.

Product cells (商品名, 価格) repeat on each row of a product: a blank one means "given on another row, or
kept as stored", two different values are an error naming both lines. SKU cells say the whole SKU: when
the file has a JANコード column a blank cell clears the JAN code, and when it has option columns a row
without option pairs clears the options. Encodings are lib.csvfile's (UTF-8 with or without BOM, cp932).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import BinaryIO

from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from lib.csvfile import CsvTable, ImportReport, RowError
from lib.csvseen import SeenLines
from lib.fastwrite import insert_rows, update_rows

from .models import Product, Sku
from .sku_rows import COLUMNS, LABELS, SkuRow, check_header, parse_row

SLICE = 500  # codes per IN list: 10,000 at once would pass SQLite's variable limit

ACTION_LABELS = {
    "new": pgettext_lazy("sku import", "new"),
    "update": pgettext_lazy("sku import", "update"),
    "unchanged": pgettext_lazy("sku import", "unchanged"),
}


@dataclass
class SkuImportReport(ImportReport):
    """created / updated / unchanged count SKUs; products are counted apart (one product, many rows)."""

    products_created: int = 0
    products_updated: int = 0


@dataclass
class ProductPlan:
    """A product as the file gives it, with the line that gave each value (for conflict messages)."""

    code: str
    first_line: int
    name: str = ""
    name_line: int = 0
    price: int | None = None
    price_line: int = 0


@dataclass
class Writes:
    new_products: list[Product] = field(default_factory=list)
    changed_products: list[Product] = field(default_factory=list)
    new_skus: list[Sku] = field(default_factory=list)
    changed_skus: list[Sku] = field(default_factory=list)


def import_skus_csv(source: bytes | BinaryIO, *, dry_run: bool = False) -> SkuImportReport:
    """Raises CsvFormatError when the file as a whole is unreadable; row problems go into the report.

    The file is read as a stream in chunks of rows, one SKU lookup per chunk: first to check every row
    (only the products' plans are kept, one per product code), then to count, preview and write, chunk
    by chunk, in one transaction. A file of 200,000 SKUs never becomes 200,000 objects at once.
    """
    report = SkuImportReport(dry_run=dry_run)
    table = CsvTable(source, COLUMNS)
    check_header(table.keys)
    plans = _check(table, report)
    products = _by_code(Product.objects.all(), plans)
    _check_products(plans, products, report)
    if report.errors:
        return report
    if dry_run:
        _plan_and_write(table, plans, products, report, write=False)
        return report
    try:
        with transaction.atomic():
            _plan_and_write(table, plans, products, report, write=True)
    except IntegrityError:
        # Someone added the same code between the check and the write: refuse the file, never half of it.
        report.errors.append(RowError(0, LABELS["sku"], _("A product or SKU code of the file was added by someone "
                                                          "else meanwhile; nothing was imported. Upload it again.")))
    return report


def _check(table: CsvTable, report: ImportReport) -> dict[str, ProductPlan]:
    """Every row's own errors, the products' plans, and each SKU against the file and the database."""
    plans: dict[str, ProductPlan] = {}
    seen = SeenLines()
    for chunk in table.chunks():
        rows = []
        for row in chunk:
            parsed, errors = parse_row(row)
            rows.append(parsed)
            report.errors.extend(errors)
        _product_plans(rows, report, plans)
        skus = _by_code(Sku.objects.select_related("product"), {row.sku_code for row in rows})
        _check_skus(rows, skus, seen, report)
    return plans


def _plan_and_write(table: CsvTable, plans, products, report: SkuImportReport, *, write: bool) -> None:
    """Count and preview; with ``write``, products first (their ids for the new SKUs), then SKUs by chunk."""
    writes = Writes()
    _plan_products(plans, products, writes, report)
    if write:
        Product.objects.bulk_create(writes.new_products, batch_size=SLICE)
        update_rows(writes.changed_products, ["name", "price"])  # one prepared UPDATE, not bulk_update's CASEs
    for chunk in table.chunks():
        rows = [parse_row(row)[0] for row in chunk]
        skus = _by_code(Sku.objects.select_related("product"), {row.sku_code for row in rows})
        writes = Writes()
        _plan_skus(rows, products, skus, writes, report)
        if write:
            insert_rows(writes.new_skus)  # executemany: the new SKUs' ids are not needed
            update_rows(writes.changed_skus, ["name", "jan_code", "options"])


def _product_plans(rows: list[SkuRow], report: ImportReport, plans: dict[str, ProductPlan]) -> None:
    """One plan per product code; a name or price given differently on two rows is an error."""
    for row in rows:
        if not row.product_code:
            continue
        plan = plans.setdefault(row.product_code, ProductPlan(row.product_code, row.line))
        if row.product_name and not plan.name:
            plan.name, plan.name_line = row.product_name, row.line
        elif row.product_name and row.product_name != plan.name:
            message = _("The product %(code)s is named “%(other)s” on line %(line)d and “%(this)s” here: give it "
                        "one name.")
            report.errors.append(RowError(row.line, LABELS["product_name"], message % {
                "code": plan.code, "other": plan.name, "line": plan.name_line, "this": row.product_name}))
        if row.price is not None and plan.price is None:
            plan.price, plan.price_line = row.price, row.line
        elif row.price is not None and row.price != plan.price:
            message = _("The product %(code)s costs %(other)d yen on line %(line)d and %(this)d yen here: give it "
                        "one price.")
            report.errors.append(RowError(row.line, LABELS["price"], message % {
                "code": plan.code, "other": plan.price, "line": plan.price_line, "this": row.price}))


def _by_code(queryset, codes) -> dict[str, Model]:
    codes = sorted(code for code in codes if code)
    found: dict[str, Model] = {}
    for start in range(0, len(codes), SLICE):
        found.update((obj.code, obj) for obj in queryset.filter(code__in=codes[start:start + SLICE]))
    return found


def _check_products(plans, products, report: ImportReport) -> None:
    """A new product needs a name."""
    for plan in plans.values():
        if plan.code not in products and not plan.name:
            message = _("The product %(code)s is new: give its name on at least one of its rows.")
            report.errors.append(RowError(plan.first_line, LABELS["product_name"], message % {"code": plan.code}))


def _check_skus(rows, skus, seen: SeenLines, report: ImportReport) -> None:
    """A SKU appears once and stays with the product it is filed under."""
    for row in rows:
        if not row.sku_code:
            continue
        first = seen.first_line(row.sku_code, row.line)
        if first is not None:
            report.errors.append(RowError(row.line, LABELS["sku"], _("duplicate of line %(line)d")
                                          % {"line": first}))
            continue
        sku = skus.get(row.sku_code)
        if sku is not None and row.product_code and sku.product.code != row.product_code:
            message = _("The SKU %(sku)s belongs to the product %(product)s, not %(given)s. A SKU is not moved by "
                        "the CSV: correct the product code, or change the SKU's product on its page.")
            report.errors.append(RowError(row.line, LABELS["sku"], message % {
                "sku": row.sku_code, "product": sku.product.code, "given": row.product_code}))


def _plan_products(plans, products, writes: Writes, report: SkuImportReport) -> None:
    """The products to create and change, counted in the report."""
    for plan in plans.values():
        product = products.get(plan.code)
        if product is None:
            products[plan.code] = Product(code=plan.code, name=plan.name, price=plan.price)
            writes.new_products.append(products[plan.code])
            report.products_created += 1
        elif _set(product, name=plan.name or product.name,
                  price=plan.price if plan.price is not None else product.price):
            writes.changed_products.append(product)
            report.products_updated += 1


def _plan_skus(rows, products, skus, writes: Writes, report: SkuImportReport) -> None:
    """The SKUs to create and change, counted in the report, with one preview line per row."""
    for row in rows:
        product, sku = products[row.product_code], skus.get(row.sku_code)
        values = {"name": row.sku_name}
        if row.jan_code is not None:
            values["jan_code"] = row.jan_code
        if row.options is not None:
            values["options"] = row.options
        if sku is None:
            sku = Sku(code=row.sku_code, product=product, **values)
            writes.new_skus.append(sku)
            report.created += 1
            action = "new"
        elif _set(sku, **values):
            writes.changed_skus.append(sku)
            report.updated += 1
            action = "update"
        else:
            report.unchanged += 1
            action = "unchanged"
        report.preview.append(_preview(row.line, product, sku, action))


def _set(obj: Model, **values) -> bool:
    """Give ``obj`` the values; True if any differed (options compare as objects: key order aside)."""
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def _preview(line: int, product: Product, sku: Sku, action: str) -> dict:
    options = " / ".join(f"{name}: {value}" for name, value in (sku.options or {}).items())
    return {"line": line, "product": product.code, "product_name": product.name,
            "price": "" if product.price is None else f"{product.price:,}", "sku": sku.code, "sku_name": sku.name,
            "jan_code": sku.jan_code, "options": options, "action": action, "action_label": ACTION_LABELS[action]}
