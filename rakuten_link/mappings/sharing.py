"""The CSV import's shared-SKU warnings: one of our SKUs sold as several Rakuten SKUs once the file is in."""

from __future__ import annotations

from collections import defaultdict

from lib.csvfile import RowError
from rakuten_link.mappings.rules import rakuten_sku_label, shared_sku_messages
from rakuten_link.models import ProductMapping

SHOWN = 5  # other lines / mappings named in one shared-SKU warning


def shared_sku_warnings(planned: list[tuple[int, str, ProductMapping]], everything: list[ProductMapping], *,
                        column: str) -> list[RowError]:
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
            warnings.append(RowError(line, column, message))
    return warnings
