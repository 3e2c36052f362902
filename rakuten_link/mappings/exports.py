"""Rows for the mapping export and the upload template (lib/exports.py writes them as CSV or Excel).

The first seven columns are exactly the upload columns, so an export can be edited and uploaded
again; the status columns after them are ignored by the import.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import QuerySet
from django.utils import timezone

from rakuten_link.mappings.imports import COLUMNS

UPLOAD_HEADER = [column.label for column in COLUMNS]
STATUS_HEADER = ["アカウント", "状態", "メッセージ", "確認日時", "最終送信数", "最終送信日時", "楽天在庫数"]
TEMPLATE_EXAMPLES = (
    ["tee01", "tee01-m-blk", "", "", "TEE01-M-BLK", "TEE01-M-BLK", ""],
    ["bag01", "", "ブラック", "", "", "BAG01-BLK", "2"],
)


def template_rows() -> Iterator[list]:
    """Header plus two example rows: a migrated SKU, and a legacy item given by its 横軸 choice."""
    yield UPLOAD_HEADER
    yield from TEMPLATE_EXAMPLES


def mapping_rows(mappings: QuerySet) -> Iterator[list]:
    """Header then one row per mapping, streamed with iterator() so 50,000 rows stay light."""
    yield UPLOAD_HEADER + STATUS_HEADER
    rows = mappings.select_related("account", "sku").order_by("account__name", "manage_number", "variant_id")
    for m in rows.iterator(chunk_size=2000):
        yield [
            m.manage_number, m.variant_id, m.legacy_h_choice, m.legacy_v_choice, m.merchant_defined_sku_id,
            m.sku.code, "" if m.safety_stock is None else m.safety_stock,
            m.account.name, str(m.get_status_display()), m.status_message, _local(m.checked_at),
            _blank(m.last_pushed_quantity), _local(m.last_pushed_at), _blank(m.rakuten_quantity),
        ]


def _local(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S") if value else ""


def _blank(value):
    return "" if value is None else value
