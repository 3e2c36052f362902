"""What a CSV import did or would do: counts, the first errors and warnings, a preview — all bounded.

A file of a million bad rows gives a million errors: keeping them all cost hundreds of MB and made an
error page of 60 MB. A report keeps the first SHOWN errors by line, the true total and a count per
column, and the first SHOWN preview rows with their total.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

SHOWN = 100  # errors, warnings and preview rows kept for the page; all of them are counted


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


class ErrorLog(list[RowError]):
    """Row errors as a list of the first SHOWN by line, with the true ``total`` and a count per column.

    A file of a million bad rows gives a million errors: keeping them all cost hundreds of MB and a page
    of 60 MB. Errors mostly arrive in line order, so a late one is usually dropped at once.
    """

    def __init__(self, errors: Iterable[RowError] = (), limit: int = SHOWN) -> None:
        super().__init__()
        self.limit, self.total = limit, 0
        self.per_column: dict[str, int] = {}
        self.extend(errors)

    def append(self, error: RowError) -> None:
        self.total += 1
        self.per_column[error.column] = self.per_column.get(error.column, 0) + 1
        if len(self) >= self.limit and error.line >= self[-1].line:
            return
        bisect.insort_right(self, error, key=_LINE)  # after its equals: a row's errors stay in column order
        if len(self) > self.limit:
            self.pop()

    def extend(self, errors: Iterable[RowError]) -> None:
        for error in errors:
            self.append(error)

    def __iadd__(self, errors: Iterable[RowError]) -> ErrorLog:  # type: ignore[override,misc]  # list's += takes lists only
        self.extend(errors)
        return self

    @property
    def truncated(self) -> bool:
        return self.total > len(self)

    def column_counts(self) -> list[tuple[str, int]]:
        """(column, errors) with the most errors first, for the table under the list."""
        return sorted(self.per_column.items(), key=lambda item: (-item[1], item[0]))

    def heading(self) -> str:
        """"エラー 582,541 件（最初の100件を表示）" — or the plain count when every error is listed."""
        if self.truncated:
            return _("%(total)s errors (the first %(shown)d shown) — nothing was imported") % {
                "total": f"{self.total:,}", "shown": len(self)}
        return ngettext("%(counter)s error — nothing was imported", "%(counter)s errors — nothing was imported",
                        self.total) % {"counter": self.total}


class Sample(list[Any]):
    """The first SHOWN items (preview rows) and the ``total`` that were offered."""

    def __init__(self, limit: int = SHOWN) -> None:
        super().__init__()
        self.limit, self.total = limit, 0

    def append(self, item: Any) -> None:
        self.total += 1
        if len(self) < self.limit:
            super().append(item)

    @property
    def truncated(self) -> bool:
        return self.total > len(self)


_LINE = attrgetter("line")


@dataclass
class ImportReport:
    """What an import did, or would do with --dry-run; errors mean nothing was written."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: ErrorLog = field(default_factory=lambda: ErrorLog())
    # Worth a look but not wrong (e.g. one SKU mapped twice): shown with the preview, never blocking.
    warnings: ErrorLog = field(default_factory=lambda: ErrorLog())
    dry_run: bool = False
    preview: Sample = field(default_factory=lambda: Sample())

    @property
    def ok(self) -> bool:
        return not self.errors


