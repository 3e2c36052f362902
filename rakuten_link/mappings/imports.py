"""CSV upload of product mappings: check every row, then write every row — or nothing at all.

Used by the admin upload page (preview, then confirm) and by `manage.py import_mappings`. Re-uploading
a file updates the mappings it names (matched by SKU管理番号, or by the legacy 横軸/縦軸 names).
Encodings are lib.csvfile's: UTF-8 with or without BOM, or cp932 as Japanese Excel saves it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import BinaryIO

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from accounts.models import EcAccount
from inventory.models import Sku
from lib.csvfile import Column, CsvFormatError, CsvRow, CsvTable, ImportReport, RowError, parse_int
from lib.csvseen import SeenLines
from lib.fastwrite import update_rows
from rakuten_link.mappings.rules import (
    MAX_QUANTITY,
    MappingError,
    check_merchant_sku,
    mapping_key,
    rakuten_sku_label,
    request_verification,
    shared_sku_messages,
)
from rakuten_link.models import MappingStatus, ProductMapping

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
SHOWN = 5  # other lines / mappings named in one shared-SKU warning
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

    The file is read as a stream in chunks, one SKU lookup per chunk; only the good rows are kept.
    """
    report = ImportReport(dry_run=dry_run)
    table = CsvTable(source, COLUMNS)
    if not {"variant_id", "h_choice", "v_choice"} & table.keys:
        raise CsvFormatError(_("The header needs SKU管理番号, or 横軸選択肢 / 縦軸選択肢 for items not yet migrated."))
    parsed = _parse(table, report)
    if report.errors:
        return report
    creates, updates = _plan(account, parsed, report)
    if dry_run:
        return report
    try:
        with transaction.atomic():
            ProductMapping.objects.bulk_create(creates, batch_size=500)
            update_rows(updates, WRITTEN_FIELDS)
    except IntegrityError:
        report.errors.append(RowError(0, LABELS["variant_id"], _("A row collides with another mapping of this "
                                                                  "account; nothing was imported.")))
        return report
    if creates or updates:
        transaction.on_commit(lambda: request_verification(account.pk))
    return report


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


def _parse(table: CsvTable, report: ImportReport) -> list[ParsedRow]:
    seen = SeenLines()
    parsed = []
    for chunk in table.chunks():
        chunk = [_unneutralise(row) for row in chunk]
        skus = _skus_by_code({row.values["sku"] for row in chunk})
        for row in chunk:
            values, errors = _parse_row(row, skus)
            if values is not None:
                lookup = values["key"].lookup
                first = seen.first_line(lookup, row.line)
                if first is not None:
                    errors.append(RowError(row.line, LABELS["variant_id" if lookup[0] == "v" else "h_choice"],
                                           _("duplicate of line %(line)d") % {"line": first}))
            report.errors.extend(errors)
            if not errors:
                parsed.append(ParsedRow(row.line, values))
    return parsed


def _parse_row(row: CsvRow, skus: dict[str, int]) -> tuple[dict | None, list[RowError]]:
    v = row.values
    errors, values = [], None
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
    if errors:
        return values, errors
    values.update(sku_id=sku_id, sku_code=v["sku"], safety_stock=safety)
    return values, []


def _plan(account: EcAccount, parsed: list[ParsedRow], report: ImportReport):
    """Split rows into new and changed mappings, counting each, and fill the preview and the warnings."""
    existing = _existing(account)
    creates, updates, planned = [], [], []
    for row in parsed:
        key = row.values["key"]
        mapping = existing.get(key.lookup) or existing.get(("l", key.manage_number, key.legacy_h_choice,
                                                            key.legacy_v_choice))
        action = "new"
        if mapping is None:
            mapping = ProductMapping(account=account, manage_number=key.manage_number)
            _apply(mapping, row.values)
            creates.append(mapping)
            report.created += 1
        elif _apply(mapping, row.values):
            updates.append(mapping)
            report.updated += 1
            action = "update"
        else:
            report.unchanged += 1
            action = "unchanged"
        planned.append((row.line, row.values["sku_code"], mapping))
        report.preview.append(_preview(row, action))
    everything = list({id(m): m for m in existing.values()}.values()) + creates
    report.warnings.extend(_shared_sku_warnings(planned, everything))
    return creates, updates


def _shared_sku_warnings(planned: list[tuple[int, str, ProductMapping]], everything: list[ProductMapping]):
    """Rows whose SKU, once imported, is sold as more than one Rakuten SKU: a warning, not an error.

    Judged on the state after the import (``everything`` holds the account's mappings with the file
    applied), so a file that moves a SKU from one Rakuten SKU to another warns about nothing. Linear
    in the rows: a set SKU on 10,000 lines must not cost 10,000² comparisons.
    """
    line_of = {id(mapping): line for line, _code, mapping in planned}
    lines_by_sku: dict[int, list[int]] = defaultdict(list)
    stored_by_sku: dict[int, list[ProductMapping]] = defaultdict(list)
    for mapping in everything:
        if id(mapping) in line_of:
            lines_by_sku[mapping.sku_id].append(line_of[id(mapping)])
        else:
            stored_by_sku[mapping.sku_id].append(mapping)
    for lines in lines_by_sku.values():
        lines.sort()
    for stored in stored_by_sku.values():
        stored.sort(key=rakuten_sku_label)
    warnings = []
    for line, code, mapping in planned:
        lines, stored = lines_by_sku[mapping.sku_id], stored_by_sku.get(mapping.sku_id, [])
        if len(lines) < 2 and not stored:
            continue
        others = [n for n in lines[:SHOWN + 2] if n != line][:SHOWN + 1]  # one more than shown: "…"
        for message in shared_sku_messages(code, others, stored[:SHOWN + 1], limit=SHOWN):
            warnings.append(RowError(line, LABELS["sku"], message))
    return warnings


def _existing(account: EcAccount) -> dict[tuple, ProductMapping]:
    by_key: dict[tuple, ProductMapping] = {}
    for mapping in ProductMapping.objects.filter(account=account).only(*WRITTEN_FIELDS, "manage_number").iterator():
        if mapping.variant_id:
            by_key[("v", mapping.manage_number, mapping.variant_id)] = mapping
        if mapping.legacy_h_choice or mapping.legacy_v_choice:
            by_key[("l", mapping.manage_number, mapping.legacy_h_choice, mapping.legacy_v_choice)] = mapping
    return by_key


def _apply(mapping: ProductMapping, values: dict) -> bool:
    """Set the row's values and say whether anything changed; a changed Rakuten key needs verifying again."""
    key = values["key"]
    wanted = {
        "variant_id": key.variant_id or mapping.variant_id or "",
        "legacy_h_choice": key.legacy_h_choice,
        "legacy_v_choice": key.legacy_v_choice,
        "merchant_defined_sku_id": values["merchant_defined_sku_id"],
        "sku_id": values["sku_id"],
        "safety_stock": values["safety_stock"],
    }
    changed = any(getattr(mapping, field) != value for field, value in wanted.items())
    if mapping.pk and wanted["variant_id"] != mapping.variant_id:
        mapping.status, mapping.status_message = MappingStatus.UNCHECKED, ""
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
