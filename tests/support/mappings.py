"""The product-mapping CSV as staff upload it: the header and a builder for files of given rows."""

from __future__ import annotations

HEADER = "商品管理番号,SKU管理番号,横軸選択肢,縦軸選択肢,システム連携用SKU番号,SKUコード,安全在庫"


def csv_bytes(*lines: str, encoding: str = "utf-8", header: str = HEADER) -> bytes:
    return ("\r\n".join([header, *lines]) + "\r\n").encode(encoding)
