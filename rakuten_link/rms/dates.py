"""Date handling for RMS: every RMS timestamp is Japan time, in three spellings.

The order API writes ``2024-05-01T10:15:00+0900`` (offset without colon, docs/rms.md §1.3), the
inventory/item APIs ISO 8601 with ``+09:00``, and the license API a naive ``2026-11-28T23:59:59`` that means
JST (§5). The client hands out aware datetimes only.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from typing import Any

try:
    from zoneinfo import ZoneInfo

    JST: tzinfo = ZoneInfo("Asia/Tokyo")
except Exception:  # pragma: no cover - no tz database; Japan has had no DST since 1951
    JST = timezone(timedelta(hours=9), "JST")

_OFFSET_NO_COLON = re.compile(r"([+-]\d{2})(\d{2})$")


def parse_datetime(value: Any) -> datetime | None:
    """Parse any RMS timestamp to an aware datetime; naive values are JST; junk gives None."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=JST)
    if not isinstance(value, str) or not value.strip():
        return None
    return _parse_text(value)


@lru_cache(maxsize=4096)
def _parse_text(value: str) -> datetime | None:
    """Cached: bulk answers repeat the same stamps (a 20,000-variant catalogue pull parses 40,000 of them)."""
    text = value.strip().replace(" ", "T", 1)
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    if "T" in text and _OFFSET_NO_COLON.search(text):  # searched first: sub() prepares its template every call
        text = _OFFSET_NO_COLON.sub(r"\1:\2", text)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=JST)


def parse_date(value: Any) -> date | None:
    """Parse ``YYYY-MM-DD`` (or the date part of a timestamp); junk gives None."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or len(value.strip()) < 10:
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def to_jst(value: datetime) -> datetime:
    """Return ``value`` in JST; a naive datetime is taken to already be JST."""
    return value.replace(tzinfo=JST) if value.tzinfo is None else value.astimezone(JST)


def format_order_datetime(value: datetime) -> str:
    """Format for order API requests: ``YYYY-MM-DDThh:mm:ss+0900`` (§1.3, searchOrder)."""
    return to_jst(value).strftime("%Y-%m-%dT%H:%M:%S+0900")


def format_date(value: date | datetime | str) -> str:
    """Format a date for the order API (``YYYY-MM-DD``); strings pass through unchanged."""
    if isinstance(value, datetime):
        return to_jst(value).date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
