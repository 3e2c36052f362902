"""Writing a label file (cp932, CRLF, every cell quoted as the label software's own exports are) and reading
the one it gives back (cp932 or UTF-8, as lib.csvencoding decides)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from django.utils.translation import gettext as _

from lib.csvencoding import EncodingRefused, detect_encoding

from . import ReturnFileError
from .text import ENCODING


def write(header: list[str] | None, rows: Iterable[list[str]]) -> bytes:
    """The file's bytes; every value has already been checked to encode in cp932."""
    text = io.StringIO(newline="")
    writer = csv.writer(text, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    if header:
        writer.writerow(header)
    writer.writerows(rows)
    return text.getvalue().encode(ENCODING)


def read(data: bytes) -> Iterator[tuple[int, list[str]]]:
    """(line, cells) of every non-blank row, the line counted from 1 as an editor shows it."""
    stream = io.BytesIO(data)
    try:
        encoding = detect_encoding(stream)
    except EncodingRefused as exc:
        raise ReturnFileError(str(exc)) from None
    reader = csv.reader(io.StringIO(data.decode(encoding), newline=""))
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells):
                yield reader.line_num, [cell.strip() for cell in cells]
    except csv.Error:
        message = _("Line %(line)d cannot be read as CSV. Check the quotes (\") on that line.")
        raise ReturnFileError(message % {"line": reader.line_num + 1}) from None
