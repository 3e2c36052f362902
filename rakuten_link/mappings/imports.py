"""CSV upload of product mappings: check every row, then write every row — or nothing at all.

Used by the admin upload page (preview, then confirm) and by `manage.py import_mappings`. Re-uploading
a file updates the mappings it names (matched by SKU管理番号, or by the legacy 横軸/縦軸 names).
Encodings are lib.csvfile's: UTF-8 with or without BOM, or cp932 as Japanese Excel saves it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, BinaryIO

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from accounts.models import EcAccount
from inventory.models import Sku
from lib.csvfile import Column, CsvFormatError, CsvRow, CsvTable, ImportReport, RowError, parse_int
from lib.csvseen import SeenLines
from lib.fastwrite import insert_rows, update_rows
from rakuten_link.mappings.rules import (
    MAX_QUANTITY,
    MappingError,
    check_merchant_sku,
    mapping_key,
    request_verification,
)
from rakuten_link.mappings.sharing import shared_sku_warnings
from rakuten_link.mappings.status import mark_unchecked
from rakuten_link.models import ProductMapping

COLUMNS = (
    Column("manage_number", ("商品管理番号", "商品管理番号（商品URL）", "manage_number")),
    Column("variant_id", ("SKU管理番号", "variant_id"), required=False),
    Column("h_choice", ("横軸選択肢", "項目選択肢別在庫用横軸選択肢", "h_choice"), required=False),
    Column("v_choice", ("縦軸選択肢", "項目選択肢別在庫用縦軸選択肢", "v_choice"), required=False),
    Column("merchant_sku", ("システム連携用SKU番号", "merchant_defined_sku_id"), required=False),
    Column("sku", ("SKUコード", "sku_code")),
    Column("safety_stock", ("安全在庫", "safety_stock"), required=False),
)
LABELS = {column.key: column.label for column in COLUMNS}
FIELD_COLUMNS = {
    "manage_number": "manage_number", "variant_id": "variant_id", "merchant_defined_sku_id": "merchant_sku",
}
# What our own export writes in front of = + - @ so that Excel shows text (lib/exports.py).
_NEUTRALISED = ("'=", "'+", "'-", "'@")
WRITTEN_FIELDS = ["variant_id", "legacy_h_choice", "legacy_v_choice", "merchant_defined_sku_id", "sku",
                  "safety_stock", "status", "status_message", "variant_choices"]


# Context-qualified: Django's own catalogue already translates a bare "new" (as 変更後).
ACTION_LABELS = {
    "new": pgettext_lazy("mapping import", "new"),
    "update": pgettext_lazy("mapping import", "update"),
    "unchanged": pgettext_lazy("mapping import", "unchanged"),
}


@dataclass
class ParsedRow:
    line: int
    values: dict  # the model fields this row sets


def import_mappings_csv(source: bytes | BinaryIO, *, account: EcAccount, dry_run: bool = False) -> ImportReport:
    """Raises CsvFormatError when the file as a whole is unreadable; row problems go into the report.

    The file is read as a stream in chunks with one SKU lookup per chunk, first to check every row (and
    count and preview what it would do), then, when no row is bad, to write chunk by chunk in one
    transaction. No row is kept between chunks: a file of 500,000 rows never becomes 500,000 objects.
    """
    report = ImportReport(dry_run=dry_run)
    table = CsvTable(source, COLUMNS)
    if not {"variant_id", "h_choice", "v_choice"} & table.keys:
        raise CsvFormatError(_("The header needs SKU管理番号, or 横軸選択肢 / 縦軸選択肢 for items not yet migrated."))
    existing = _existing(account)
    use = _check(table, existing, report)
    if report.errors:
        report.created = report.updated = report.unchanged = 0
        return report
    report.warnings.extend(_warnings(table, existing, use))
    if dry_run:
        return report
    try:
        with transaction.atomic():
            written = _write(table, account)
    except IntegrityError:
        report.errors.append(RowError(0, LABELS["variant_id"], _("A row collides with another mapping of this "
                                                                  "account; nothing was imported.")))
        return report
    if written:
        transaction.on_commit(lambda: request_verification(account.pk))
    return report


@dataclass
class SkuUse:
    """What the shared-SKU warnings need from the checking pass, in sets (no row is kept)."""

    repeated: set[int]  # SKU ids on more than one line of the file
    stored: set[int]  # SKU ids of the file that stored mappings also sell
    touched: set[int]  # stored mappings the file names


def _check(table: CsvTable, existing: dict[tuple, ProductMapping], report: ImportReport) -> SkuUse:
    """Every row's errors, and for good rows the action they would take (counted and previewed)."""
    seen, by_sku = SeenLines(), SeenLines()
    stored_skus = {mapping.sku_id for mapping in existing.values()}
    use = SkuUse(set(), set(), set())
    for parsed in _parsed_chunks(table, report, seen):
        for row in parsed:
            mapping = _match(existing, row.values["key"])
            if mapping is None:
                action = "new"
            else:
                use.touched.add(mapping.pk)
                action = "update" if _wanted(mapping, row.values) else "unchanged"
            report.created += action == "new"
            report.updated += action == "update"
            report.unchanged += action == "unchanged"
            report.preview.append(_preview(row, action))
            sku_id = row.values["sku_id"]
            if by_sku.first_line(sku_id, row.line) is not None:
                use.repeated.add(sku_id)
            if sku_id in stored_skus:
                use.stored.add(sku_id)
    return use


def _parsed_chunks(table: CsvTable, report: ImportReport, seen: SeenLines | None):
    """The good rows of each chunk; ``seen`` (None when writing: already checked) finds duplicates."""
    for chunk in table.chunks():
        chunk = [_unneutralise(row) for row in chunk]
        yield _parse(chunk, _skus_by_code({row.values["sku"] for row in chunk}), report, seen)


def _write(table: CsvTable, account: EcAccount) -> int:
    """Create and update chunk by chunk, against the stored mappings read again inside the transaction."""
    existing, written = _existing(account), 0
    for parsed in _parsed_chunks(table, ImportReport(), None):
        creates, updates = [], []
        for row in parsed:
            key = row.values["key"]
            mapping = _match(existing, key)
            if mapping is None:
                mapping = ProductMapping(account=account, manage_number=key.manage_number)
                _apply(mapping, row.values)
                creates.append(mapping)
            elif _apply(mapping, row.values):
                updates.append(mapping)
        insert_rows(creates)  # executemany, not bulk_create: half the time for 500,000 rows, no ids needed
        update_rows(updates, WRITTEN_FIELDS)
        written += len(creates) + len(updates)
    return written


def _match(existing: dict[tuple, ProductMapping], key) -> ProductMapping | None:
    return existing.get(key.lookup) or existing.get(("l", key.manage_number, key.legacy_h_choice,
                                                       key.legacy_v_choice))


def _warnings(table: CsvTable, existing: dict[tuple, ProductMapping], use: SkuUse) -> list[RowError]:
    """Shared-SKU warnings, from a second read of the rows whose SKU is shared (usually none)."""
    untouched = [m for m in {id(m): m for m in existing.values()}.values() if m.pk not in use.touched]
    shared = use.repeated | (use.stored & {mapping.sku_id for mapping in untouched})
    if not shared:
        return []
    planned = []
    for parsed in _parsed_chunks(table, ImportReport(), None):
        planned += [(row.line, row.values["sku_code"], ProductMapping(sku_id=row.values["sku_id"]))
                    for row in parsed if row.values["sku_id"] in shared]
    return shared_sku_warnings(planned, [mapping for _line, _code, mapping in planned] + untouched,
                               column=LABELS["sku"])


def _unneutralise(row: CsvRow) -> CsvRow:
    """Re-importing our own export must give back "-abc", not "'-abc"."""
    for key, value in row.values.items():
        if value.startswith(_NEUTRALISED):
            row.values[key] = value[1:]
    return row


def _skus_by_code(codes: set[str]) -> dict[str, int]:
    """SKU code → id, in slices: one IN list of 10,000 codes would exceed SQLite's variable limit."""
    codes_list = sorted(code for code in codes if code)
    found: dict[str, int] = {}
    for start in range(0, len(codes_list), 500):
        found.update(Sku.objects.filter(code__in=codes_list[start:start + 500]).values_list("code", "pk"))
    return found


def _parse(chunk: list[CsvRow], skus: dict[str, int], report: ImportReport,
           seen: SeenLines | None) -> list[ParsedRow]:
    parsed = []
    for row in chunk:
        values, errors = _parse_row(row, skus)
        if values is not None and seen is not None:
            lookup = values["key"].lookup
            first = seen.first_line(lookup, row.line)
            if first is not None:
                errors.append(RowError(row.line, LABELS["variant_id" if lookup[0] == "v" else "h_choice"],
                                       _("duplicate of line %(line)d") % {"line": first}))
        report.errors.extend(errors)
        if not errors and values is not None:  # values is None only with errors
            parsed.append(ParsedRow(row.line, values))
    return parsed


def _parse_row(row: CsvRow, skus: dict[str, int]) -> tuple[dict[str, Any] | None, list[RowError]]:
    v = row.values
    errors: list[RowError] = []
    values: dict[str, Any] | None = None
    try:
        key = mapping_key(v["manage_number"], v.get("variant_id", ""), v.get("h_choice", ""), v.get("v_choice", ""))
        values = {"key": key, "merchant_defined_sku_id": check_merchant_sku(v.get("merchant_sku", ""))}
    except MappingError as exc:
        errors.append(RowError(row.line, LABELS[FIELD_COLUMNS.get(exc.field, "variant_id")], exc.message))
    sku_id = skus.get(v["sku"])
    if sku_id is None:
        message = _("SKU code is required.") if not v["sku"] else _("unknown SKU code '%(code)s'") % {"code": v["sku"]}
        errors.append(RowError(row.line, LABELS["sku"], message))
    safety = None
    if v.get("safety_stock"):
        try:
            safety = parse_int(v["safety_stock"], maximum=MAX_QUANTITY)
        except ValueError as exc:
            errors.append(RowError(row.line, LABELS["safety_stock"], str(exc)))
    if errors or values is None:
        return values, errors
    values.update(sku_id=sku_id, sku_code=v["sku"], safety_stock=safety)
    return values, []


def _existing(account: EcAccount) -> dict[tuple, ProductMapping]:
    by_key: dict[tuple, ProductMapping] = {}
    for mapping in ProductMapping.objects.filter(account=account).only(*WRITTEN_FIELDS, "manage_number").iterator():
        if mapping.variant_id:
            by_key[("v", mapping.manage_number, mapping.variant_id)] = mapping
        if mapping.legacy_h_choice or mapping.legacy_v_choice:
            by_key[("l", mapping.manage_number, mapping.legacy_h_choice, mapping.legacy_v_choice)] = mapping
    return by_key


def _wanted(mapping: ProductMapping, values: dict) -> dict:
    """The row's values that differ from the mapping's (nothing set): empty when the row changes nothing."""
    return {field: value for field, value in _values(mapping, values).items() if getattr(mapping, field) != value}


def _values(mapping: ProductMapping, values: dict) -> dict:
    key = values["key"]
    return {
        "variant_id": key.variant_id or mapping.variant_id or "",
        "legacy_h_choice": key.legacy_h_choice,
        "legacy_v_choice": key.legacy_v_choice,
        "merchant_defined_sku_id": values["merchant_defined_sku_id"],
        "sku_id": values["sku_id"],
        "safety_stock": values["safety_stock"],
    }


def _apply(mapping: ProductMapping, values: dict) -> bool:
    """Set the row's values and say whether anything changed; a changed Rakuten key needs verifying again."""
    wanted = _values(mapping, values)
    changed = any(getattr(mapping, field) != value for field, value in wanted.items())
    if mapping.pk and wanted["variant_id"] != mapping.variant_id:
        mark_unchecked(mapping)
        mapping.variant_choices = None  # they described the variant this mapping named before
    for field, value in wanted.items():
        setattr(mapping, field, value)
    return changed


def _preview(row: ParsedRow, action: str) -> dict:
    key = row.values["key"]
    return {"line": row.line, "manage_number": key.manage_number, "variant_id": key.variant_id,
            "h_choice": key.legacy_h_choice, "v_choice": key.legacy_v_choice,
            "merchant_sku": row.values["merchant_defined_sku_id"], "sku": row.values["sku_code"],
            "safety_stock": "" if row.values["safety_stock"] is None else row.values["safety_stock"],
            "action": action, "action_label": ACTION_LABELS[action]}
