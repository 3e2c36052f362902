"""One writer for every export: rows in, CSV or XLSX out (style rule 11).

Cells that start with = + - @ are prefixed with a quote so that a buyer name such as "=HYPERLINK(...)"
cannot run as a formula when staff open the file in Excel.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from django.http import HttpResponse

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def to_xlsx(rows: Iterable[Sequence], *, sheet_title: str = "data") -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])
    for row in rows:
        sheet.append([neutralise(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def to_csv(rows: Iterable[Sequence], *, encoding: str = "utf-8-sig") -> bytes:
    """UTF-8 with BOM by default: Excel then opens Japanese text correctly."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([neutralise(value) for value in row])
    return buffer.getvalue().encode(encoding)


def download(rows: Iterable[Sequence], *, filename: str, fmt: str = "xlsx") -> HttpResponse:
    if fmt == "csv":
        body, content_type = to_csv(rows), "text/csv; charset=utf-8"
    else:
        body = to_xlsx(rows, sheet_title=filename.rsplit(".", 1)[0])
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
