"""Our price as Rakuten shows it (the account's markup %, rounded in whole yen as the account says), and the
one writer of a listing's price fields (``price_sent``: called after a full send and after a price push)."""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_UP, ROUND_UP, Decimal
from typing import TYPE_CHECKING

from django.utils import timezone

from accounts.models import EcAccount, TaxRounding

if TYPE_CHECKING:
    from .models import Listing

_ROUNDING: dict[str, str] = {TaxRounding.FLOOR: ROUND_DOWN, TaxRounding.CEIL: ROUND_UP,
                             TaxRounding.HALF_UP: ROUND_HALF_UP}


def rakuten_price(price: int | None, account: EcAccount) -> int | None:
    """Our price with the account's markup, in whole yen."""
    if price is None:
        return None
    marked = Decimal(price) * (100 + Decimal(account.price_markup_percent or 0)) / 100
    return int(marked.quantize(Decimal(1), rounding=_ROUNDING.get(account.price_rounding, ROUND_DOWN)))


def price_sent(listing: Listing, price: int | None, error: str = "") -> None:
    """Record RMS's answer to a price push (or a full send): the price it holds, or why it refused."""
    fields = ["price_error", "updated_at"]
    listing.price_error = error[:500]
    if not error:
        listing.price_sent, listing.price_sent_at = price, timezone.now()
        fields += ["price_sent", "price_sent_at"]
    listing.save(update_fields=fields)
