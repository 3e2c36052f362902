"""The one writer of CatalogueItem and CatalogueVariant: a page of items stored, gone rows marked, stock set.

Rows are written in bulk per page (lib/fastwrite), so a 20,000-variant pull spends its time waiting for
RMS, not writing. Nothing is ever deleted: an item or variant RMS no longer has gets ``gone_at``; one that
comes back is live again.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from accounts.models import EcAccount
from lib.fastwrite import insert_values, set_by_id, update_rows
from rakuten_link.mappings.verdicts import variant_choices
from rakuten_link.models import CatalogueItem, CatalogueVariant
from rakuten_link.rms.types import RmsItem, RmsVariant
from rakuten_link.sync.catalogue.watch import flag_gone_mappings

ITEM_FIELDS = ("item_number", "title", "hidden", "genre_id", "price", "rms_updated_at")
VARIANT_FIELDS = ("merchant_sku_id", "selectors", "jan", "article_number", "pre_sku")
_JAN = re.compile(r"\d{8}|\d{13}")


def jan_of(article_number: str) -> str:
    """The articleNumber when it has the shape of a JAN (8 or 13 digits), else ""."""
    return article_number if _JAN.fullmatch(article_number) else ""


def _price(item: RmsItem) -> int | None:
    return next((v.standard_price for v in item.variants.values() if v.standard_price is not None), None)


def _item_values(item: RmsItem) -> tuple:
    """ITEM_FIELDS of one item, in order."""
    return (item.item_number[:64], item.title[:255], item.hidden, item.genre_id[:16], _price(item), item.updated)


def _variant_values(item: RmsItem, variant: RmsVariant) -> tuple:
    """VARIANT_FIELDS of one variant, in order."""
    return (variant.merchant_defined_sku_id[:96], variant_choices(item, variant), jan_of(variant.article_number),
            variant.article_number[:64], variant.pre_sku)


def store_items(account: EcAccount, items: Sequence[RmsItem], at: datetime) -> int:
    """Insert or update ``items`` and their variants; variants they no longer have are marked gone.

    Rows are compared as plain values: only new and changed ones are written row by row, the others get
    their ``pulled_at`` in one statement (a re-pull of an unchanged shop builds no model instance).
    Returns the number of variants seen. Items with no manageNumber are skipped; an item search
    returns a deleted item with only its manageNumber, and no variants: ``store_items`` is not given those.
    """
    items = [item for item in items if item.manage_number]
    numbers = [item.manage_number for item in items]
    page = CatalogueItem.objects.filter(account=account, manage_number__in=numbers)
    existing = {row[0]: row[1:] for row in page.values_list("manage_number", "id", *ITEM_FIELDS, "gone_at")}
    insert_values(CatalogueItem, ("account", "manage_number", *ITEM_FIELDS, "pulled_at"),
                  [(account.pk, item.manage_number[:32], *_item_values(item), at)
                   for item in items if item.manage_number not in existing],
                  plain=("account", "manage_number", "item_number", "title", "genre_id"))
    changed = []
    for item in items:
        row = existing.get(item.manage_number)
        values = _item_values(item)
        if row is not None and (tuple(row[1:-1]) != values or row[-1] is not None):
            changed.append(CatalogueItem(id=row[0], **dict(zip(ITEM_FIELDS, values, strict=True)), gone_at=None))
    update_rows(changed, [*ITEM_FIELDS, "gone_at"])
    page.update(pulled_at=at)
    ids = dict(page.values_list("manage_number", "id"))
    return _store_variants(account, items, ids, at)


def _store_variants(account: EcAccount, items: Sequence[RmsItem], ids: dict[str, int], at: datetime) -> int:
    known = {(row[0], row[1]): row[2:] for row in CatalogueVariant.objects.filter(item_id__in=ids.values())
             .values_list("item_id", "variant_id", "id", *VARIANT_FIELDS, "gone_at")}
    inserts, changed, named = [], [], set()
    for item in items:
        item_id = ids[item.manage_number]
        for variant in item.variants.values():
            values = _variant_values(item, variant)
            key = (item_id, variant.variant_id[:255])
            named.add(key)
            row = known.get(key)
            if row is None:
                inserts.append((item_id, account.pk, key[1], *values, at))
            elif tuple(row[1:-1]) != values or row[-1] is not None:
                changed.append(CatalogueVariant(id=row[0], **dict(zip(VARIANT_FIELDS, values, strict=True)),
                                                gone_at=None))
    insert_values(CatalogueVariant, ("item", "account", "variant_id", *VARIANT_FIELDS, "pulled_at"), inserts,
                  plain=("item", "account", "variant_id", "merchant_sku_id", "jan", "article_number"))
    update_rows(changed, [*VARIANT_FIELDS, "gone_at"])
    # A live variant this write did not name is gone from its item.
    gone = [row[0] for key, row in known.items() if key not in named and row[-1] is None]
    _mark_variants_gone(account, CatalogueVariant.objects.filter(id__in=gone), at)
    CatalogueVariant.objects.filter(item_id__in=ids.values(), gone_at__isnull=True).update(pulled_at=at)
    return len(named)


def _mark_variants_gone(account: EcAccount, variants, at: datetime) -> int:
    """Set ``gone_at`` and turn the mappings of those variants to error (sync/catalogue/watch.py)."""
    gone = list(variants.values_list("id", "item__manage_number", "variant_id", "pre_sku"))
    if not gone:
        return 0
    CatalogueVariant.objects.filter(id__in=[row[0] for row in gone]).update(gone_at=at)
    flag_gone_mappings(account, [row[1:] for row in gone], at)
    return len(gone)


def mark_gone(account: EcAccount, started_at: datetime, at: datetime) -> tuple[int, int]:
    """Items (and their variants) a complete pull begun at ``started_at`` did not see: gone at ``at``."""
    items = CatalogueItem.objects.filter(account=account, gone_at__isnull=True, pulled_at__lt=started_at)
    gone_ids = list(items.values_list("id", flat=True))
    variants = _mark_variants_gone(account, CatalogueVariant.objects.filter(item_id__in=gone_ids,
                                                                           gone_at__isnull=True), at)
    return CatalogueItem.objects.filter(id__in=gone_ids).update(gone_at=at), variants


def set_quantities(rows: Sequence[tuple[int, str, str, int | None]], quantities: dict[tuple[str, str], int]) -> None:
    """Rakuten's quantity of each (id, manageNumber, variantId, stored quantity) row; None when RMS has no
    inventory row for it. Only the quantities that changed are written."""
    changed = {row[0]: quantities.get((row[1], row[2])) for row in rows if quantities.get((row[1], row[2])) != row[3]}
    set_by_id(CatalogueVariant, changed, columns=("quantity",))
