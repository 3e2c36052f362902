"""`state.orders`: order number → OrderModel, kept compact, with a version for what is derived from it.

A stored order is a dozen nested dicts, about 9 KB of Python objects; 300,000 of them took 2.3 GB. So an
order nobody holds is packed (marshal, then zlib: about 1.5 KB) at the end of each request (`pack`), and
unpacked again as the same kind of dict the first time code reads it through the mapping (`book[n]`,
`get`, `values()` …); from then on that dict *is* the stored order, as before, so editing it in place
edits the order. An order whose dict (or a dict or list inside it) is still referenced elsewhere — a test
holding it, a shallow clone sharing its parts — stays unpacked, so no one's reference goes stale.
Read-only paths use `peek`, `copy_of` and `dates_of`, which unpack nothing for good.

searchOrder keeps indexes derived from the stored orders (orders/index.py) so that a search costs what it
finds rather than what the sandbox holds. They are valid for one `version`: adding, replacing or removing
an order bumps it, and so does `changed()`, which the sandbox calls after every request that may edit an
order in place (an order API call other than searchOrder/getOrder, any control call other than a GET,
Rakuten's own status moves). Code that edits a stored order's dates by hand (a test holding the state)
calls `changed()` itself; statuses and the other filters are always read from the order as it is.
"""

from __future__ import annotations

import copy
import marshal
import sys
import zlib
from collections.abc import Iterator, MutableMapping
from typing import Any

Order = dict[str, Any]
DATE_KEYS = ("orderDatetime", "shopOrderCfmDatetime", "orderFixDatetime", "shippingCmplRptDatetime")
_HELD = 4  # references to a dict that only its order holds, counted in _alone (see there)


class OrderBook(MutableMapping[str, Order]):
    """The orders, some packed; `version` and the `derived` data built for that version."""

    def __init__(self) -> None:
        self._orders: dict[str, Order | tuple[Any, ...]] = {}
        self._unpacked: set[str] = set()  # stored or read as dicts since the last pack()
        self.version = 0
        self.derived: dict[Any, Any] = {}

    def changed(self) -> None:
        """Some order may have been edited in place: whatever was derived from them must be rebuilt."""
        self.version += 1

    def __getitem__(self, number: str) -> Order:
        stored = self._orders[number]
        if type(stored) is tuple:
            stored = self._orders[number] = _unpack(stored)
        self._unpacked.add(number)
        return stored  # type: ignore[return-value]

    def __setitem__(self, number: str, order: Order) -> None:
        self._orders[number] = order
        self._unpacked.add(number)
        self.version += 1

    def __delitem__(self, number: str) -> None:
        del self._orders[number]
        self._unpacked.discard(number)
        self.version += 1

    def __contains__(self, number: object) -> bool:
        return number in self._orders

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._orders))  # a copy: reading an order while iterating replaces its value

    def __len__(self) -> int:
        return len(self._orders)

    def __repr__(self) -> str:
        return f"OrderBook({len(self._orders)} orders, {self.packed_count()} packed)"

    def peek(self, number: str) -> Order | None:
        """The order to read, not to edit: the stored dict, or a fresh one when it is packed."""
        stored = self._orders.get(number)
        return _unpack(stored) if type(stored) is tuple else stored  # type: ignore[return-value]

    def copy_of(self, number: str) -> Order | None:
        """A copy of the order that the caller may change (getOrder shapes it per version)."""
        stored = self._orders.get(number)
        if stored is None or type(stored) is tuple:
            return self.peek(number)
        return _copy(stored)  # type: ignore[no-any-return]

    def dates_of(self, number: str) -> Order:
        """The order, or a stand-in for it with only its number and the dates searchOrder windows on."""
        stored = self._orders[number]
        if type(stored) is not tuple:
            return stored  # type: ignore[return-value]
        *dates, shipped, _blob = stored
        rows = [{"shippingDate": day} for day in shipped]
        stand_in = {"orderNumber": number, **dict(zip(DATE_KEYS, dates, strict=True))}
        return {**stand_in, "PackageModelList": [{"ShippingModelList": rows}]}

    def pack(self) -> None:
        """Pack the orders read or stored since the last pack that nothing else holds (end of a request)."""
        for number in self._unpacked:
            order = self._orders.get(number)
            if type(order) is dict and _alone(order):
                packed = _pack(order)
                if packed is not None:
                    self._orders[number] = packed
        self._unpacked.clear()

    def packed_count(self) -> int:
        return sum(1 for stored in self._orders.values() if type(stored) is tuple)


def _alone(value: Any) -> bool:
    """True when `value` and the dicts and lists inside it are referenced by their parent only.

    The count seen here for such an object is _HELD: its parent's slot, the caller's variable, this
    function's parameter and getrefcount's own argument.
    """
    if sys.getrefcount(value) > _HELD:
        return False
    for child in value.values() if type(value) is dict else value:
        if type(child) in (dict, list) and not _alone(child):
            return False
    return True


def _pack(order: Order) -> tuple[Any, ...] | None:
    """(the four dates, the shipping days, the compressed order); None when the order cannot be packed."""
    try:
        shipped = tuple(
            row.get("shippingDate") for package in order["PackageModelList"] for row in package["ShippingModelList"]
        )
        blob = zlib.compress(marshal.dumps(order), 1)
    except (KeyError, TypeError, AttributeError, ValueError):
        return None  # a hand-made order without the usual shape, or a value marshal cannot write
    return (*(order.get(key) for key in DATE_KEYS), shipped, blob)


def _unpack(packed: tuple[Any, ...]) -> Order:
    order: Order = marshal.loads(zlib.decompress(packed[-1]))
    return order


def _copy(value: Any) -> Any:
    """A deep copy of a JSON-shaped order: dicts and lists rebuilt, their leaves shared (str, int and None
    cannot change); anything else goes through copy.deepcopy. Less than half the time of deepcopy."""
    kind = type(value)
    if kind is dict:
        return {key: _copy(item) for key, item in value.items()}
    if kind is list:
        return [_copy(item) for item in value]
    if value is None or kind in (str, int, bool, float):
        return value
    return copy.deepcopy(value)
