"""Reading uploaded CSV files the way Japanese back offices produce them.

Excel in Japan saves cp932; newer tools save UTF-8, often with a BOM. lib.csvencoding decides which, and
refuses anything else. A file of 20 MB is read as a stream, row by row, and a report keeps the first
100 errors (with the true total and a count per column), so neither its rows nor its errors fill memory.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, BinaryIO

from django.utils.translation import gettext as _

from .csvencoding import EncodingRefused, detect_encoding
from .csvreport import SHOWN as SHOWN  # re-exported: importers read these from lib.csvfile
from .csvreport import ErrorLog as ErrorLog
from .csvreport import ImportReport as ImportReport
from .csvreport import RowError as RowError
from .csvreport import Sample as Sample

CHUNK_ROWS = 2000  # rows looked up in the database at once
# Set by a worker running a big upload (inventory/upload_jobs.py): called after each chunk with the number of
# the pass over the file (1 = checking, 2 = writing) and the rows done so far in that pass.
CHUNK_PROGRESS: ContextVar[Callable[[int, int], None] | None] = ContextVar("csv_chunk_progress", default=None)


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


@dataclass
class CsvRow:
    line: int
    values: dict[str, str]


class CsvTable:
    """An uploaded CSV read row by row, as often as needed, without holding its text or its rows.

    The encoding and the header are checked when the table is made (CsvFormatError); each iteration
    reads the file again from its start, so an import can check every row first and write after.
    """

    def __init__(self, source: bytes | BinaryIO, columns: Sequence[Column]) -> None:
        if isinstance(source, bytes | bytearray):
            source = io.BytesIO(source)
        # A Django upload: its .file is the BytesIO or temporary file TextIOWrapper can read.
        self._stream = getattr(source, "file", source)
        self.encoding = _encoding_of(self._stream)
        self.columns = columns
        self.passes = 0
        with self._reader() as reader:
            self.positions, self.header_lines = _read_header(reader, columns)

    @property
    def keys(self) -> set[str]:
        """The keys of the columns the header has (optional columns may be missing)."""
        return set(self.positions)

    def rows(self) -> Iterator[CsvRow]:
        """Each non-empty data row keyed by column key; line numbers count the header as line 1.

        A line the csv module cannot read (typically a cell over its 128 KiB limit, which is what an
        unbalanced quote swallowing the rest of the file looks like) raises CsvFormatError, not csv.Error:
        callers turn CsvFormatError into a message on the upload page, anything else would be an HTTP 500.
        """
        positions = list(self.positions.items())
        with self._reader() as reader:
            done = 0  # the last physical line of the last row read: a broken row starts on the line after it
            try:
                next(reader, None)
                done = reader.line_num
                for row in reader:
                    done = reader.line_num
                    if not any(row) or not any(cell.strip() for cell in row):
                        continue
                    width = len(row)
                    values = {key: (row[pos].strip() if pos < width else "") for key, pos in positions}
                    yield CsvRow(line=done, values=values)
            except csv.Error as exc:
                raise _unreadable_line(done + 1, exc) from None

    def __iter__(self) -> Iterator[CsvRow]:
        """The rows; a file with a header and nothing else is a mistake (the wrong sheet, an empty export)."""
        empty = True
        for row in self.rows():
            empty = False
            yield row
        if empty:
            raise CsvFormatError(_("The file has a header but no data rows."))

    def chunks(self, size: int = CHUNK_ROWS) -> Iterator[list[CsvRow]]:
        """The rows in lists of ``size``, for one bulk lookup per list instead of one query per row.

        After each chunk is dealt with, CHUNK_PROGRESS (if set) hears how far this pass has come.
        """
        self.passes += 1
        progress, current, done = CHUNK_PROGRESS.get(), self.passes, 0
        chunk: list[CsvRow] = []
        for row in self:
            chunk.append(row)
            if len(chunk) == size:
                yield chunk
                done += len(chunk)
                if progress is not None:
                    progress(current, done)
                chunk = []
        if chunk:
            yield chunk
            if progress is not None:
                progress(current, done + len(chunk))

    @contextmanager
    def _reader(self) -> Iterator[Any]:
        self._stream.seek(0)
        text = io.TextIOWrapper(self._stream, encoding=self.encoding, newline="")
        try:
            yield csv.reader(text)
        finally:
            text.detach()  # the stream belongs to the caller (an upload, a kept preview): leave it open


def read_rows(data: bytes, columns: Sequence[Column]) -> Iterator[CsvRow]:
    """Each data row of ``data``, none for a header-only file (see CsvTable.rows)."""
    yield from CsvTable(data, columns).rows()


def read_table(data: bytes, columns: Sequence[Column]) -> list[CsvRow]:
    """All data rows at once, for small files and tests; imports iterate a CsvTable instead."""
    return list(CsvTable(data, columns))


def check_readable(source: BinaryIO) -> None:
    """Raise CsvFormatError for a file no import could read (encoding, a broken line), without its columns.

    Run in the request before a big upload goes to a worker, so such a file is refused on the upload page at
    once as a small one is; it is only a decode and a csv parse (about a second for 20 MB), no lookups.
    """
    stream = getattr(source, "file", source)
    encoding = _encoding_of(stream)
    stream.seek(0)
    text = io.TextIOWrapper(stream, encoding=encoding, newline="")
    reader = csv.reader(text)
    done = 0
    try:
        for _row in reader:
            done = reader.line_num
    except csv.Error as exc:
        raise _unreadable_line(done + 1, exc) from None
    finally:
        text.detach()


def _encoding_of(stream: BinaryIO) -> str:
    try:
        return detect_encoding(stream)
    except EncodingRefused as exc:
        raise CsvFormatError(str(exc)) from None


def _read_header(reader: Any, columns: Sequence[Column]) -> tuple[dict[str, int], int]:  # reader: a csv reader
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise _unreadable_line(1, exc) from None
    if not header:
        raise CsvFormatError(_("The file is empty."))
    return _header_positions([cell.strip() for cell in header], columns), reader.line_num


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
