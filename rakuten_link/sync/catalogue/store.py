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
from lib.fastwrite import insert_rows, update_rows
from rakuten_link.mappings.verdicts import variant_choices
from rakuten_link.models import CatalogueItem, CatalogueVariant
from rakuten_link.rms.types import RmsItem, RmsVariant
from rakuten_link.sync.catalogue.watch import flag_gone_mappings

ITEM_FIELDS = ("item_number", "title", "hidden", "genre_id", "price", "rms_updated_at", "gone_at", "pulled_at")
VARIANT_FIELDS = ("merchant_sku_id", "selectors", "jan", "article_number", "pre_sku", "gone_at", "pulled_at")
_JAN = re.compile(r"\d{8}|\d{13}")


def jan_of(article_number: str) -> str:
    """The articleNumber when it has the shape of a JAN (8 or 13 digits), else ""."""
    return article_number if _JAN.fullmatch(article_number) else ""


def _price(item: RmsItem) -> int | None:
    return next((v.standard_price for v in item.variants.values() if v.standard_price is not None), None)


def _item_values(row: CatalogueItem, item: RmsItem, at: datetime) -> CatalogueItem:
    row.item_number, row.title, row.hidden = item.item_number[:64], item.title[:255], item.hidden
    row.genre_id, row.price, row.rms_updated_at = item.genre_id[:16], _price(item), item.updated
    row.gone_at, row.pulled_at = None, at
    return row


def _variant_values(row: CatalogueVariant, item: RmsItem, variant: RmsVariant, at: datetime) -> CatalogueVariant:
    row.merchant_sku_id = variant.merchant_defined_sku_id[:96]
    row.selectors = variant_choices(item, variant)
    row.article_number = variant.article_number[:64]
    row.jan = jan_of(variant.article_number)
    row.pre_sku, row.gone_at, row.pulled_at = variant.pre_sku, None, at
    return row


def store_items(account: EcAccount, items: Sequence[RmsItem], at: datetime) -> int:
    """Insert or update ``items`` and their variants; variants they no longer have are marked gone.

    Returns the number of variants written. Items with no manageNumber are skipped; an item search
    returns a deleted item with only its manageNumber, and no variants: ``store_items`` is not given those.
    """
    items = [item for item in items if item.manage_number]
    numbers = [item.manage_number for item in items]
    existing = {row.manage_number: row for row in
                CatalogueItem.objects.filter(account=account, manage_number__in=numbers)}
    new = [_item_values(CatalogueItem(account=account, manage_number=item.manage_number), item, at)
           for item in items if item.manage_number not in existing]
    insert_rows(new)
    update_rows([_item_values(existing[item.manage_number], item, at)
                 for item in items if item.manage_number in existing], ITEM_FIELDS)
    ids = dict(CatalogueItem.objects.filter(account=account, manage_number__in=numbers)
               .values_list("manage_number", "id"))
    return _store_variants(account, items, ids, at)


def _store_variants(account: EcAccount, items: Sequence[RmsItem], ids: dict[str, int], at: datetime) -> int:
    known = {(row.item_id, row.variant_id): row for row in
             CatalogueVariant.objects.filter(item_id__in=ids.values())}
    inserts, updates = [], []
    for item in items:
        item_id = ids[item.manage_number]
        for variant in item.variants.values():
            row = known.get((item_id, variant.variant_id))
            if row is None:
                row = CatalogueVariant(item_id=item_id, account=account, variant_id=variant.variant_id[:255])
                inserts.append(_variant_values(row, item, variant, at))
            else:
                updates.append(_variant_values(row, item, variant, at))
    insert_rows(inserts)
    update_rows(updates, VARIANT_FIELDS)
    # A variant this write did not name is gone from its item (stamped with ``at`` only when written now).
    _mark_variants_gone(account, CatalogueVariant.objects.filter(item_id__in=ids.values(), gone_at__isnull=True)
                        .exclude(pulled_at=at), at)
    return len(inserts) + len(updates)


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


def set_quantities(rows: Sequence[CatalogueVariant], quantities: dict[tuple[str, str], int]) -> None:
    """Rakuten's quantity of each row (None when RMS has no inventory row for it)."""
    for row in rows:
        row.quantity = quantities.get((row.item.manage_number, row.variant_id))
    update_rows(rows, ["quantity"])
