"""normal-item.csv for RMS 商品一括編集 (docs/rms.md §7): cp932, CRLF, a parent row then one row per SKU.

The SKU-era layout: the parent row carries the product's fields and the variant definitions (keys,
names, and each selector's values joined by "|"); each SKU row carries the manageNumber, the SKU
numbers, its selector keys and values, and the price. Even a single-SKU product takes two rows.
Whether the file still starts with コントロールカラム is UNCONFIRMED: the header samples found start at
商品管理番号（商品URL）, and so does this one. Cells are written as they are (no spreadsheet formula
guard: RMS reads the file, and a quote would become part of the data). A character cp932 cannot hold
stops the export with the product and field named, before anything is written.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import BinaryIO

from django.utils.translation import gettext as _

from .draft import ListingDraft, build_draft
from .models import Listing

ENCODING = "cp932"
SELECTOR_COLUMNS = 6
PARENT = ["商品管理番号（商品URL）", "商品番号", "商品名", "キャッチコピー",
          "PC用商品説明文", "スマートフォン用商品説明文", "PC用販売説明文",
          "倉庫指定", "ジャンルID", "消費税", "消費税率", "送料", "代引料",
          "商品画像パス", "バリエーション項目キー定義", "バリエーション項目名定義",
          *[f"バリエーション{n}選択肢定義" for n in range(1, SELECTOR_COLUMNS + 1)]]
SKU = ["SKU管理番号", "システム連携用SKU番号", *[f"バリエーション項目キー{n}" for n in range(1, SELECTOR_COLUMNS + 1)],
       *[f"バリエーション項目選択肢{n}" for n in range(1, SELECTOR_COLUMNS + 1)], "販売価格"]
HEADER = [*PARENT, *SKU]


class ItemCsvError(ValueError):
    """A value cp932 cannot hold: names the product, the column and the character."""


def _flag(value: bool) -> str:
    return "1" if value else "0"


def parent_row(draft: ListingDraft) -> list[str]:
    selectors = draft.plan.selectors[:SELECTOR_COLUMNS]
    definitions = ["|".join(s.values) for s in selectors]
    definitions += [""] * (SELECTOR_COLUMNS - len(definitions))
    row = [draft.manage_number, draft.item_number, draft.title, draft.tagline, draft.pc_description,
           draft.sp_description, draft.sales_description, _flag(draft.hidden), draft.genre_id,
           _flag(draft.tax_included), str(draft.tax_rate.normalize()), _flag(draft.postage_included),
           _flag(draft.cod_fee_included), " ".join(draft.images),
           "|".join(s.key for s in selectors), "|".join(s.display_name for s in selectors), *definitions]
    return row + [""] * len(SKU)


def sku_rows(draft: ListingDraft) -> list[list[str]]:
    selectors = draft.plan.selectors[:SELECTOR_COLUMNS]
    pad = [""] * (SELECTOR_COLUMNS - len(selectors))
    rows = []
    for variant in draft.plan.variants:
        keys = [s.key for s in selectors] + pad
        values = [variant.values.get(s.key, "") for s in selectors] + pad
        sku = [variant.variant_id, variant.sku_code, *keys, *values, str(draft.price or "")]
        rows.append([draft.manage_number] + [""] * (len(PARENT) - 1) + sku)
    return rows


def item_rows(listings: Iterable[Listing]) -> Iterable[tuple[str, list[str]]]:
    """(product code, row) for the header (code "") and every listing's parent and SKU rows."""
    yield "", HEADER
    for listing in listings:
        draft = build_draft(listing)
        for row in (parent_row(draft), *sku_rows(draft)):
            yield draft.product_code, row


def item_csv_bytes(listings: Iterable[Listing]) -> tuple[bytes, int]:
    """The whole file and its number of data rows; ItemCsvError before anything is returned."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    out = bytearray()
    count = -1
    for product_code, row in item_rows(listings):
        _check_cells(product_code, row)
        writer.writerow(row)
        out += buffer.getvalue().encode(ENCODING)
        buffer.seek(0)
        buffer.truncate()
        count += 1
    return bytes(out), count


def write_item_csv(listings: Iterable[Listing], stream: BinaryIO) -> int:
    data, count = item_csv_bytes(listings)
    stream.write(data)
    return count


def _check_cells(product_code: str, row: list[str]) -> None:
    for column, cell in zip(HEADER, row, strict=True):
        try:
            cell.encode(ENCODING)
        except UnicodeEncodeError as exc:
            character = cell[exc.start]
            raise ItemCsvError(_(
                "Product %(product)s, field “%(field)s”: the character “%(character)s” (%(codepoint)s) cannot be "
                "written in Shift_JIS (cp932), which RMS requires. Replace it and export again."
            ) % {"product": product_code, "field": column, "character": character,
                 "codepoint": f"U+{ord(character):04X}"}) from None
