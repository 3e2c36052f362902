"""searchOrder through an index: a search reads the window it asks for, not every stored order.

Per shop and dateType, the orders' event times are kept sorted with their order numbers (dateType 4 has
one entry per shipping row with a shippingDate), so a window is two bisections and the orders in it are
the only ones `search.matches` looks at. Those are checked against the order as it is now, so statuses
and the other filters need no index; only the dates do, and they are rebuilt, a shop and dateType at a
time, when `state.orders.version` has moved (state/order_book.py says what moves it). The sorted hits of
the last search are kept for the same version, so paging through one window sorts it once.
The answers are those of `search.run` over every order (tests/rakuten_link/sandbox/test_order_index.py).
"""

from __future__ import annotations

import json
from bisect import bisect_left, bisect_right
from datetime import datetime
from typing import Any

from ..state.order_book import OrderBook
from .search import SearchQuery, event_times, matches


def search(book: OrderBook, shop: str, query: SearchQuery) -> list[str]:
    """Matching order numbers of `shop`, in `search.run`'s order."""
    derived = _derived(book)
    key = _query_key(shop, query)
    last = derived.get("last_search")
    if key is not None and last is not None and last[0] == key:
        found: list[str] = last[1]
        return found
    times, numbers = _index(book, derived, shop, query.date_type)
    window = numbers[bisect_left(times, query.start) : bisect_right(times, query.end)]
    hits = [order for number in dict.fromkeys(window) if matches(order := book[number], query)]
    hits.sort(key=lambda o: (o["orderDatetime"], o["orderNumber"]), reverse=query.descending)
    found = [o["orderNumber"] for o in hits]
    derived["last_search"] = (key, found)
    return found


def _derived(book: OrderBook) -> dict[Any, Any]:
    """What was built for the book's current version (emptied when the version moved)."""
    if book.derived.get("version") != book.version:
        book.derived.clear()
        book.derived["version"] = book.version
    return book.derived


def _index(book: OrderBook, derived: dict[Any, Any], shop: str, date_type: int) -> tuple[list[datetime], list[str]]:
    built: tuple[list[datetime], list[str]] | None = derived.get((shop, date_type))
    if built is None:
        prefix = f"{shop}-"
        entries = sorted(
            (at, number)
            for number, order in book.items()
            if number.startswith(prefix)
            for at in event_times(order, date_type)
        )
        built = derived[(shop, date_type)] = ([at for at, _ in entries], [number for _, number in entries])
    return built


def _query_key(shop: str, query: SearchQuery) -> tuple[Any, ...] | None:
    """Everything but the page; None when a filter value cannot be written as JSON (no re-use then)."""
    try:
        filters = json.dumps(query.filters, sort_keys=True, default=sorted, ensure_ascii=False)
    except (TypeError, ValueError):
        return None
    return (shop, query.date_type, query.start, query.end, query.descending, filters)
