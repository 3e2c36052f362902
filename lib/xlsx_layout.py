"""How an exported sheet looks in Excel: bold header kept in view, a filter, formats and widths (lib/exports.py).

Kept apart from the writer so the writer stays about rows and encodings. A write-only sheet takes its frozen
pane and column widths before the first row, so everything is decided from the header.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any


class XlsxLayout:
    """Formats and widths of one sheet, decided from its header (write-only sheets take no later changes)."""

    DATETIME_FORMAT, DATE_FORMAT, YEN_FORMAT = "yyyy/mm/dd hh:mm:ss", "yyyy/mm/dd", '"¥"#,##0'

    def __init__(self, sheet: Any, header: list[str], first: Sequence[object], money_columns: Collection[str]) -> None:
        from openpyxl.utils import get_column_letter

        self.sheet, self.header = sheet, header
        self.money = [name in money_columns for name in header]
        self.last_column = get_column_letter(max(len(header), 1))
        sheet.freeze_panes = "A2"
        for index, name in enumerate(header):
            value = first[index] if index < len(first) else None
            sheet.column_dimensions[get_column_letter(index + 1)].width = self._width(name, value, self.money[index])

    @staticmethod
    def _width(name: str, value: object, money: bool) -> float:
        """Wide enough for the header and the first value (a Japanese character takes two), never huge."""
        if isinstance(value, datetime):
            shown = "0000/00/00 00:00:00"
        elif isinstance(value, date):
            shown = "0000/00/00"
        else:
            shown = max(str(value or "").splitlines() or [""], key=len)
        text = max(_display_width(name), _display_width(shown) + (3 if money else 0))
        return float(min(max(text + 3, 10), 40))

    def header_cells(self) -> list[Any]:
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font

        cells = []
        for name in self.header:
            cell = WriteOnlyCell(self.sheet, value=name)
            cell.font = Font(bold=True)
            cells.append(cell)
        return cells

    def cells(self, row: Sequence[Any]) -> list[Any]:
        return [self._cell(value, index < len(self.money) and self.money[index]) for index, value in enumerate(row)]

    def _cell(self, value: object, money: bool) -> object:
        from openpyxl.cell import WriteOnlyCell

        if isinstance(value, datetime):
            number_format = self.DATETIME_FORMAT
        elif isinstance(value, date):
            number_format = self.DATE_FORMAT
        elif money and isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            number_format = self.YEN_FORMAT
        else:
            return value
        cell = WriteOnlyCell(self.sheet, value=value)  # type: ignore[arg-type]  # openpyxl takes dates and Decimals
        cell.number_format = number_format
        return cell


def _display_width(text: str) -> int:
    return sum(2 if ord(character) > 0x2E7F else 1 for character in text)
