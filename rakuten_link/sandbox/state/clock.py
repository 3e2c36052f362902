"""Time helpers: everything RMS shows is Japan time, in two different spellings.

The order API writes offsets without a colon (`+0900`) and rejects anything else; inventory and item
APIs use ISO 8601 (`+09:00`). Keeping both spellings here stops them leaking into each other.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone

JST = timezone(timedelta(hours=9), "JST")

_ORDER_DT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0900$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def now() -> datetime:
    """Current Japan time, to the second (RMS never shows fractions)."""
    return datetime.now(JST).replace(microsecond=0)


def format_order_dt(value: datetime) -> str:
    """Order API spelling: `2024-05-01T10:15:00+0900`."""
    return value.astimezone(JST).strftime("%Y-%m-%dT%H:%M:%S+0900")


def parse_order_dt(text: object) -> datetime | None:
    """Strict order-API parse; None for anything RMS would answer with ERROR_011."""
    if not isinstance(text, str) or not _ORDER_DT.match(text):
        return None
    try:
        return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S%z")
    except ValueError:
        return None


def format_iso(value: datetime) -> str:
    """Inventory/Item API spelling: `2024-05-01T10:15:00+09:00`."""
    return value.astimezone(JST).isoformat(timespec="seconds")


def parse_date(text: object) -> date | None:
    """Strict `YYYY-MM-DD`; None otherwise (e.g. `2024/05/01`, which RMS rejects)."""
    if not isinstance(text, str) or not _DATE.match(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def parse_flexible(text: str) -> datetime:
    """Lenient parse for control endpoints: a date, `+0900`/`+09:00` datetimes, or naive (taken as JST).

    A bare date means the end of that day, which is how RMS states license expiry.
    """
    only_date = parse_date(text)
    if only_date is not None:
        return datetime.combine(only_date, time(23, 59, 59), JST)
    value = datetime.fromisoformat(text.replace("+0900", "+09:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=JST)
    return value.astimezone(JST)
