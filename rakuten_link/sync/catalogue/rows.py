"""An item of the catalogue as it is stored: its row, its variants' rows and a digest of them all.

The digest is what makes a re-pull cheap: an item whose digest equals the stored one (and is not marked
gone) has exactly the rows stored already, so neither it nor its variants are read back or compared; only
their ``pulled_at`` moves. It covers every stored field of the item and of each variant (quantities are
the stock phase's, not the item's), so any change RMS makes to them gives another digest.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import re
from typing import NamedTuple

from rakuten_link.mappings.verdicts import item_choices
from rakuten_link.rms.types import RmsItem, RmsVariant

ITEM_FIELDS = ("item_number", "title", "hidden", "genre_id", "price", "rms_updated_at")
VARIANT_FIELDS = ("merchant_sku_id", "selectors", "jan", "article_number", "pre_sku")
_JAN = re.compile(r"\d{8}|\d{13}")


def jan_of(article_number: str) -> str:
    """The articleNumber when it has the shape of a JAN (8 or 13 digits), else ""."""
    return article_number if _JAN.fullmatch(article_number) else ""


class ItemRows(NamedTuple):
    """``values``: ITEM_FIELDS in order; ``variants``: (variant id, VARIANT_FIELDS in order) per variant."""

    manage_number: str
    values: tuple
    variants: list[tuple[str, tuple]]
    digest: str


def _price(item: RmsItem) -> int | None:
    return next((v.standard_price for v in item.variants.values() if v.standard_price is not None), None)


def _variant_values(variant: RmsVariant, choices: dict[str, str]) -> tuple:
    return (variant.merchant_defined_sku_id[:96], choices, jan_of(variant.article_number),
            variant.article_number[:64], variant.pre_sku)


def item_rows(item: RmsItem) -> ItemRows:
    """What ``item`` stores: its values, its variants' values and their digest."""
    values = (item.item_number[:64], item.title[:255], item.hidden, item.genre_id[:16], _price(item), item.updated)
    choices = item_choices(item)
    variants = [(variant.variant_id[:255], _variant_values(variant, choices(variant)))
                for variant in item.variants.values()]
    return ItemRows(item.manage_number[:32], values, variants, _digest(values, variants))


def _digest(values: tuple, variants: list[tuple[str, tuple]]) -> str:
    """16 hex digits of everything stored. Serialised by marshal's version 0 (three times as fast as repr):
    it has no back-references or interning flags, so equal values always give the same bytes."""
    updated = values[-1].isoformat() if values[-1] is not None else None  # marshal takes no datetime
    return hashlib.blake2b(marshal.dumps(((*values[:-1], updated), variants), 0), digest_size=8).hexdigest()


def selectors_json(selectors: dict[str, str]) -> str:
    """The JSON text the selectors column stores: what JSONField itself would write, made once per value."""
    return json.dumps(selectors)
