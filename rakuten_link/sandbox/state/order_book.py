"""`state.orders`: order number → OrderModel, a dict that counts its changes.

searchOrder keeps indexes derived from the stored orders (orders/index.py) so that a search costs what
it finds rather than what the sandbox holds. They are valid for one `version`: adding, replacing or
removing an order bumps it, and so does `changed()`, which the sandbox calls after every request that
may edit an order in place (an order API call other than searchOrder/getOrder, any control call other
than a GET, Rakuten's own status moves). Code that edits a stored order's dates by hand (a test holding
the state) calls `changed()` itself; statuses and the other filters are always read from the order as
it is.
"""

from __future__ import annotations

from typing import Any


class OrderBook(dict[str, dict[str, Any]]):
    """A dict of orders plus `version` and the `derived` data built for that version."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.version = 0
        self.derived: dict[Any, Any] = {}

    def changed(self) -> None:
        """Some order may have been edited in place: whatever was derived from them must be rebuilt."""
        self.version += 1

    def __setitem__(self, key: str, value: dict[str, Any]) -> None:
        super().__setitem__(key, value)
        self.version += 1

    def __delitem__(self, key: str) -> None:
        super().__delitem__(key)
        self.version += 1

    def __ior__(self, other: Any) -> OrderBook:  # type: ignore[override, misc]
        self.update(other)
        return self

    def pop(self, key: str, *default: Any) -> Any:
        self.version += 1
        return super().pop(key, *default)

    def popitem(self) -> tuple[str, dict[str, Any]]:
        self.version += 1
        return super().popitem()

    def clear(self) -> None:
        super().clear()
        self.version += 1

    def update(self, *args: Any, **kwargs: Any) -> None:
        super().update(*args, **kwargs)
        self.version += 1

    def setdefault(self, key: str, default: Any = None) -> Any:
        self.version += 1
        return super().setdefault(key, default)
