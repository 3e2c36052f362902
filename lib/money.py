"""Yen as people read it: the one place a price is turned into text.

Buyers read ``1,234円`` (a mail's total, an item page's price: Japanese text, whatever the staff's language);
staff read ``¥1,234`` on the admin pages. Neither adds markup, so either may go into HTML that escapes it.
"""

from __future__ import annotations

from typing import Any


def yen(amount: int | None, *, missing: str = "") -> str:
    """1,234円, as a Japanese text writes a price; ``missing`` when there is no amount."""
    return f"{amount:,}円" if amount is not None else missing


def yen_sign(amount: Any, *, missing: str = "") -> str:
    """¥1,234, as staff read money on the admin pages; ``missing`` for anything but whole yen."""
    return f"¥{amount:,}" if isinstance(amount, int) else missing
