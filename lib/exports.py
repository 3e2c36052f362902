"""One writer for every export: rows in, CSV or XLSX out (style rule 11).

Rows come from a generator (header first) and are written one at a time, so an export of 10,000 orders
holds one row in memory, not the file's worth of model objects.

Cells that start with = + - @ (or a tab or carriage return) are prefixed with a quote so that a buyer
name such as "=HYPERLINK(...)" cannot run as a formula when staff open the file in Excel.

CSV is UTF-8 with a BOM (Excel then opens Japanese text correctly) or cp932 (Shift_JIS as Windows and
most Japanese back-office tools read it). cp932 cannot hold every character (𠮷, emoji, —): rather than
replacing one silently with "?", the export stops with an error naming the row (by its first column, the
order number for orders), the column and the character. Files are written complete or not at all.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import os
import re
import tempfile
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, BinaryIO

from django.http import FileResponse, HttpResponse
from django.utils.translation import gettext as _

from lib.xlsx_layout import XlsxLayout

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Control characters XML 1.0 cannot carry (openpyxl's ILLEGAL_CHARACTERS_RE): openpyxl refuses a cell holding one.
XML_ILLEGAL = re.compile(r"[\000-\010\013\014\016-\037]")
ENCODING_NAMES = {"cp932": "Shift_JIS (cp932)"}


@dataclass(frozen=True)
class ExportFormat:
    """What a format key (`xlsx`, `csv`, `csv-cp932`) means: file extension, MIME type, CSV encoding."""

    key: str
    extension: str
    content_type: str
    encoding: str = ""  # CSV only

    @property
    def is_csv(self) -> bool:
        return self.extension == "csv"


FORMATS = {
    "xlsx": ExportFormat("xlsx", "xlsx", XLSX_TYPE),
    "csv": ExportFormat("csv", "csv", "text/csv; charset=utf-8", "utf-8-sig"),
    "csv-cp932": ExportFormat("csv-cp932", "csv", "text/csv; charset=Shift_JIS", "cp932"),
}


class ExportEncodingError(ValueError):
    """A character the chosen encoding cannot hold; the message names the row, the column and the character."""

    def __init__(self, *, row: int, key_name: str, key: str, column: str, character: str, encoding: str) -> None:
        self.row, self.key_name, self.key, self.column = row, key_name, key, column
        self.character, self.encoding = character, encoding
        super().__init__(str(self))

    def __str__(self) -> str:
        return _(
            "%(key_name)s %(key)s, column “%(column)s”: the character “%(character)s” (%(codepoint)s) cannot be "
            "written in %(encoding)s. Change it in the data, or export as UTF-8 CSV or Excel instead."
        ) % {"key_name": self.key_name, "key": self.key, "column": self.column, "character": self.character,
             "codepoint": f"U+{ord(self.character):04X}",
             "encoding": ENCODING_NAMES.get(self.encoding, self.encoding)}


def neutralise(value: str) -> str:
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def export_format(key: str) -> ExportFormat:
    """The format for a key; KeyError for an unknown one (callers turn it into their own message)."""
    return FORMATS[key]


# --- CSV -------------------------------------------------------------------------------------------------


def _csv_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    return neutralise(value) if isinstance(value, str) else str(value)


def write_csv(rows: Iterable[Sequence[Any]], stream: BinaryIO, *, encoding: str = "utf-8-sig",
              key_column: int = 0) -> int:
    """Write rows as CSV (CRLF) to a binary stream, one row at a time; returns the number of data rows.

    The incremental encoder writes the UTF-8 BOM once, before the header. On a character the encoding cannot
    hold, ExportEncodingError is raised before that row reaches the stream.
    """
    encoder = codecs.getincrementalencoder(encoding)()
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    header: list[str] = []
    written = 0
    for row in rows:
        cells = [_csv_cell(value) for value in row]
        header = header or cells
        writer.writerow(cells)
        written += 1
        try:
            stream.write(encoder.encode(buffer.getvalue()))
        except UnicodeEncodeError:
            raise _encoding_error(cells, header, written, key_column, encoding) from None
        buffer.seek(0)
        buffer.truncate()
    return max(written - 1, 0)  # the header is no data row


def _encoding_error(cells: list[str], header: list[str], row: int, key_column: int,
                    encoding: str) -> ExportEncodingError:
    """Find the first cell of the row the encoding refuses, and name it."""
    for index, cell in enumerate(cells):
        try:
            cell.encode(encoding)
        except UnicodeEncodeError as exc:
            column = header[index] if index < len(header) else str(index + 1)
            key_name = header[key_column] if key_column < len(header) else ""
            return ExportEncodingError(row=row, key_name=key_name, key=cells[key_column], column=column,
                                       character=cell[exc.start], encoding=encoding)
    raise AssertionError("the row was refused but none of its cells is")  # pragma: no cover


# --- XLSX ------------------------------------------------------------------------------------------------


def _xlsx_cell(value: object) -> object:
    """Blank cells are left out (faster, smaller); control characters XML cannot carry are dropped."""
    if isinstance(value, str):
        if not value:
            return None
        return neutralise(XML_ILLEGAL.sub("", value))
    return value


def write_xlsx(rows: Iterable[Sequence[Any]], stream: BinaryIO, *, sheet_title: str = "data",
               money_columns: Collection[str] = ()) -> int:
    """Write rows to one sheet of a write-only workbook (openpyxl streams the sheet to a temp file).

    Laid out for reading, not just for importing: a bold header that stays in view, a filter on every column,
    dates and times as dates, the ``money_columns`` (by header text) as ¥ with thousands separators, and
    widths from the header and the kind of value.
    """
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])
    remaining = iter(rows)
    header = [str(_xlsx_cell(value) or "") for value in next(remaining, ())]
    first = [_xlsx_cell(value) for value in next(remaining, ())]
    written = 0
    if header:
        layout = XlsxLayout(sheet, header, first, money_columns)  # sized from the header and the first row
        sheet.append(layout.header_cells())
        for row in itertools.chain([first] if first else [], (map(_xlsx_cell, row) for row in remaining)):
            sheet.append(layout.cells(list(row)))
            written += 1
        sheet.auto_filter.ref = f"A1:{layout.last_column}{written + 1}"
    workbook.save(stream)
    return written


# --- files and responses ---------------------------------------------------------------------------------


def write(rows: Iterable[Sequence[Any]], stream: BinaryIO, fmt: ExportFormat, *, sheet_title: str = "data",
          money_columns: Collection[str] = ()) -> int:
    if fmt.is_csv:
        return write_csv(rows, stream, encoding=fmt.encoding)
    return write_xlsx(rows, stream, sheet_title=sheet_title, money_columns=money_columns)


def write_file(rows: Iterable[Sequence[Any]], path: str | os.PathLike[str], fmt: ExportFormat, *,
               sheet_title: str = "data", money_columns: Collection[str] = ()) -> int:
    """Write to a temporary file beside `path`, then rename it: on any error no file (nor a half one) is left."""
    target = Path(path)
    handle, temporary = tempfile.mkstemp(dir=target.parent or ".", prefix=f".{target.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as stream:
            count = write(rows, stream, fmt, sheet_title=sheet_title, money_columns=money_columns)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return count


def file_response(rows: Iterable[Sequence[Any]], *, filename: str, fmt: ExportFormat,
                  money_columns: Collection[str] = ()) -> FileResponse:
    """A download built completely in a temporary file first, so an error is raised before anything is sent."""
    stream = tempfile.TemporaryFile()
    try:
        write(rows, stream, fmt, sheet_title=filename, money_columns=money_columns)
    except BaseException:
        stream.close()
        raise
    stream.seek(0)
    return FileResponse(stream, as_attachment=True, filename=f"{filename}.{fmt.extension}",
                        content_type=fmt.content_type)


# --- small exports kept in memory (stock, mappings) ------------------------------------------------------


def to_xlsx(rows: Iterable[Sequence[Any]], *, sheet_title: str = "data") -> bytes:
    buffer = io.BytesIO()
    write_xlsx(rows, buffer, sheet_title=sheet_title)
    return buffer.getvalue()


def to_csv(rows: Iterable[Sequence[Any]], *, encoding: str = "utf-8-sig") -> bytes:
    """UTF-8 with BOM by default: Excel then opens Japanese text correctly."""
    buffer = io.BytesIO()
    write_csv(rows, buffer, encoding=encoding)
    return buffer.getvalue()


def download(rows: Iterable[Sequence[Any]], *, filename: str, fmt: str = "xlsx") -> HttpResponse:
    if fmt == "csv":
        body, content_type = to_csv(rows), "text/csv; charset=utf-8"
    else:
        body = to_xlsx(rows, sheet_title=filename.rsplit(".", 1)[0])
        content_type = XLSX_TYPE
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
