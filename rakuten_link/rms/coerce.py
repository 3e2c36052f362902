"""Tolerant converters shared by the parsers: RMS sends numbers as strings, nulls for absent models."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

T = TypeVar("T")

# Order API money fields use -9999 for "not fixed yet" (docs/rms.md §2.3); we expose that as None.
UNFIXED = -9999


def as_int(value: Any) -> int | None:
    """int() that accepts numeric strings ("3300", "3300.0") and gives None for null/junk."""
    if value is None or isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        try:
            return int(Decimal(str(value)))
        except (InvalidOperation, ValueError):
            return None


def as_money(value: Any) -> int | None:
    number = as_int(value)
    return None if number == UNFIXED else number


def as_decimal(value: Any) -> Decimal | None:
    """Decimal via str() so that a JSON 0.1 becomes Decimal("0.1"), not its binary approximation."""
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def as_str(value: Any) -> str:
    return "" if value is None else str(value)


def as_flag(value: Any) -> bool:
    """RMS 0/1 flags ("1" or 1 is set); anything else, null included, is not set."""
    return as_str(value) == "1"


def as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def camel_case(name: str) -> str:
    """``sub_status_id_list`` → ``subStatusIdList``; camelCase input is returned unchanged."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def unique(values: Iterable[T]) -> list[T]:
    """Drop duplicates, keep first-seen order (RMS rejects duplicates in several bulk calls)."""
    return list(dict.fromkeys(values))


def chunks(values: Sequence[T], size: int) -> Iterator[list[T]]:
    """Consecutive slices of at most ``size`` items."""
    for start in range(0, len(values), size):
        yield list(values[start : start + size])
