"""Files given back whose columns are found by their header: ゆうプリR's 出力用フィルタ and クリックポスト's download.

Both layouts are whatever the shop's software is set to write, so the header names of the key, the tracking
number and the date are settings; a file without the date column is dated the day it is imported.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date

from django.utils.translation import gettext as _

from . import Issued, ReturnFileError


def read(rows: Iterable[tuple[int, list[str]]], names: dict[str, str], today: date) -> Iterator[Issued]:
    """``names``: {"key": header, "tracking_number": header, "shipped_on": header}."""
    positions: dict[str, int] = {}
    for line, cells in rows:
        if not positions:
            positions = _positions(cells, names)
            continue
        values = {what: cells[at] if at < len(cells) else "" for what, at in positions.items()}
        shipped = values.get("shipped_on") or today.isoformat()
        yield Issued(line, values["key"], values["tracking_number"].replace("-", ""), shipped)


def _positions(header: list[str], names: dict[str, str]) -> dict[str, int]:
    found = {what: header.index(name) for what, name in names.items() if name in header}
    missing = [names[what] for what in ("key", "tracking_number") if what not in found]
    if missing:
        raise ReturnFileError(_("The file has no column %(missing)s. Its header is: %(header)s. Set the column names "
                                "in the label settings if your software names them differently.")
                              % {"missing": "・".join(missing), "header": ", ".join(header[:20])})
    return found
