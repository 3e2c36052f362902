"""Reading uploaded CSV files the way Japanese back offices produce them.

Excel in Japan saves cp932; newer tools save UTF-8, often with a BOM. We try UTF-8 (BOM or not)
first because cp932 would happily mis-decode many UTF-8 byte strings.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _


class CsvFormatError(Exception):
    """The file as a whole cannot be read (encoding, header, a broken line); nothing is written."""


@dataclass(frozen=True)
class Column:
    """One expected column; `labels` are the accepted header spellings (Japanese first)."""

    key: str
    labels: tuple[str, ...]
    required: bool = True

    @property
    def label(self) -> str:
        return self.labels[0]


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return _("line %(line)d, column %(column)s: %(message)s") % {
            "line": self.line,
            "column": self.column,
            "message": self.message,
        }


@dataclass
class CsvRow:
    line: int
    values: dict[str, str]


@dataclass
class ImportReport:
    """What an import did, or would do with --dry-run; errors mean nothing was written."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    # Worth a look but not wrong (e.g. one SKU mapped twice): shown with the preview, never blocking.
    warnings: list[RowError] = field(default_factory=list)
    dry_run: bool = False
    preview: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def decode_upload(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CsvFormatError(_("The file is neither UTF-8 nor Shift_JIS (cp932). Save it as CSV (UTF-8) and retry."))


def read_rows(data: bytes, columns: Sequence[Column]) -> Iterator[CsvRow]:
    """Yield each non-empty data row keyed by column key; line numbers count the header as line 1.

    A line the csv module cannot read (typically a cell over its 128 KiB limit, which is what an
    unbalanced quote swallowing the rest of the file looks like) raises CsvFormatError, not csv.Error:
    callers turn CsvFormatError into a message on the upload page, anything else would be an HTTP 500.
    """
    text = decode_upload(data)
    reader = csv.reader(io.StringIO(text, newline=""))
    done = 0  # the last physical line of the last row read: a broken row starts on the line after it
    try:
        header = next(reader, None)
        if not header:
            raise CsvFormatError(_("The file is empty."))
        positions = _header_positions([cell.strip() for cell in header], columns)
        done = reader.line_num
        for row in reader:
            done = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            values = {key: (row[pos].strip() if pos < len(row) else "") for key, pos in positions.items()}
            yield CsvRow(line=reader.line_num, values=values)
    except csv.Error as exc:
        raise _unreadable_line(done + 1, exc) from None


def read_table(data: bytes, columns: Sequence[Column]) -> list[CsvRow]:
    """All data rows at once, for imports that check every row before writing any.

    A file with a header and nothing else is a mistake (the wrong sheet, an empty export), not a
    successful import of nothing, so it raises CsvFormatError like an unreadable file.
    """
    rows = list(read_rows(data, columns))
    if not rows:
        raise CsvFormatError(_("The file has a header but no data rows."))
    return rows


def _unreadable_line(line: int, exc: csv.Error) -> CsvFormatError:
    """csv.Error's own text is English and technical; staff get the line and what to look at."""
    if "field larger than field limit" in str(exc):
        message = _("Line %(line)d has a cell longer than %(limit)d characters. Check that this is the right "
                    "file and that every opening quote (\") has its closing quote.")
        return CsvFormatError(message % {"line": line, "limit": csv.field_size_limit()})
    message = _("Line %(line)d cannot be read as CSV. Check the quotes (\") on that line.")
    return CsvFormatError(message % {"line": line})


def _header_positions(header: list[str], columns: Sequence[Column]) -> dict[str, int]:
    positions: dict[str, int] = {}
    missing = []
    for column in columns:
        found = next((header.index(label) for label in column.labels if label in header), None)
        if found is not None:
            positions[column.key] = found
        elif column.required:
            missing.append(column.label)
    if missing:
        raise CsvFormatError(
            _("Missing column(s): %(missing)s. The header must contain: %(expected)s")
            % {"missing": ", ".join(missing), "expected": ", ".join(c.label for c in columns)}
        )
    return positions


def parse_int(value: str, *, minimum: int = 0, maximum: int | None = None) -> int:
    """Integers as staff type them: full-width digits and thousands separators allowed."""
    normalised = value.translate(str.maketrans("０１２３４５６７８９－", "0123456789-")).replace(",", "")
    try:
        number = int(normalised)
    except ValueError:
        raise ValueError(_("'%(value)s' is not a whole number.") % {"value": value}) from None
    if number < minimum or (maximum is not None and number > maximum):
        raise ValueError(
            _("%(value)d is out of range (%(min)d to %(max)s).")
            % {"value": number, "min": minimum, "max": maximum if maximum is not None else "∞"}
        )
    return number
