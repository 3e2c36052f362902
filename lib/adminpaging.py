"""Admin lists of hundreds of thousands of rows: a count that stays cheap and pages that stay shallow.

Django's admin counts the whole filtered list (COUNT(*)) for every page shown, and once more without the
filters unless ``show_full_result_count`` is False; at 300,000 orders or a year of sync runs each count reads
the table. ``CappedPaginator`` counts exactly up to ``COUNT_CAP`` rows (a COUNT over a LIMITed subquery) and
stops there: a longer list says "10,000件以上" (templates/admin/pagination.html) and offers its first
COUNT_CAP rows in pages, because each deeper page would cost an OFFSET over everything before it. Staff
narrow a long list with a filter or a search, which the count then gives exactly.

``BigListMixin`` sets both on a ModelAdmin, and turns off Django's facet counts (件数を表示), which count
every choice of every filter over the whole table.
"""

from __future__ import annotations

from typing import Any

from django.contrib.admin import ShowFacets
from django.core.paginator import Paginator
from django.utils.functional import cached_property

COUNT_CAP = 10_000


class CappedPaginator(Paginator):  # type: ignore[type-arg]  # any list of rows
    """A Paginator whose count reads at most ``cap`` + 1 rows; ``capped`` tells when the list is longer."""

    def __init__(self, *args: Any, cap: int = COUNT_CAP, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cap = cap

    @cached_property
    def count(self) -> int:
        objects = self.object_list
        if hasattr(objects, "order_by") and hasattr(objects, "values"):
            # No ORDER BY and no joins: the database counts with whichever index answers the filters.
            found = objects.order_by().values("pk")[: self.cap + 1].count()
        else:
            found = len(objects)
        return min(int(found), self.cap + 1)

    @property
    def capped(self) -> bool:
        return self.count > self.cap

    @cached_property
    def num_pages(self) -> int:
        """Pages over the first ``cap`` rows only."""
        pages = super().num_pages
        return min(pages, -(-self.cap // self.per_page)) if self.capped else pages


class BigListMixin:
    """For a ModelAdmin whose list may hold hundreds of thousands of rows: no full count, a capped one.

    ``list_count_cap`` lowers the cap where each row counted costs more (a filter the database cannot
    answer from an index).
    """

    show_full_result_count = False
    show_facets = ShowFacets.NEVER  # a count per filter choice, each over the whole table
    list_count_cap = COUNT_CAP

    def get_paginator(self, request: Any, queryset: Any, per_page: int, orphans: int = 0,
                      allow_empty_first_page: bool = True) -> CappedPaginator:
        return CappedPaginator(queryset, per_page, orphans, allow_empty_first_page, cap=self.list_count_cap)
