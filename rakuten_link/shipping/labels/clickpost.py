"""日本郵便 クリックポスト: the まとめ申込 file (eight columns, at most 40 rows a file), and its download given back.

The まとめ申込 file has no column for our key, so nothing in it can find the order again by itself: the key
is written at the end of 内容品 when the setting asks for it (it is then printed on the label), and the file
given back is read by the header names the settings give (docs/carriers.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date

from django.utils.translation import gettext as _

from . import COD, COMPACT_COD, Issued, LabelRow, named
from .cells import Cells

NAME = "クリックポスト"
CARRIER_CODE = "1003"
HEADER = ["お届け先郵便番号", "お届け先氏名", "お届け先敬称", "お届け先住所1行目", "お届け先住所2行目",
          "お届け先住所3行目", "お届け先住所4行目", "内容品"]
MAX_ROWS = 40
RETURN_COLUMNS = {"key": "お客様管理番号", "tracking_number": "お問い合わせ番号", "shipped_on": "発送日"}


def make(row: LabelRow, options: dict) -> list[str]:
    """Widths in cp932 bytes, 40 a line and 30 for 内容品 unless the settings say otherwise (Click Post does not
    publish whether its limits count bytes or characters; bytes is the stricter reading)."""
    c = Cells(row, NAME)
    line = int(options.get("clickpost_line_bytes", 40))
    if row.kind in (COD, COMPACT_COD):
        c.problem(_("%(carrier)s cannot collect cash on delivery.") % {"carrier": NAME})
    if row.cool:
        c.problem(_("%(carrier)s cannot carry cool parcels.") % {"carrier": NAME})
    c.no_date_or_slot(NAME)
    contents = f"{row.item_name} {row.key}" if options.get("clickpost_key_in_contents") else row.item_name
    cells = [c.required(HEADER[0], row.recipient.zip_code), c.text(HEADER[1], row.recipient.name, line, required=True),
             "様", *c.split(HEADER[3], row.recipient.address, [line] * 4, required=True),
             c.text(HEADER[7], contents, int(options.get("clickpost_contents_bytes", 30)), required=True)]
    return c.done(cells)


def read(rows: Iterable[tuple[int, list[str]]], options: dict, today: date) -> Iterator[Issued]:
    return named.read(rows, columns(options), today)


def columns(options: dict) -> dict[str, str]:
    return {**RETURN_COLUMNS, **options.get("clickpost_return_columns", {})}
