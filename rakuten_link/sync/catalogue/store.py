"""The one writer of CatalogueItem and CatalogueVariant: a page of items stored, gone rows marked, stock set.

Rows are written in bulk per page (lib/fastwrite), so a 20,000-variant pull spends its time waiting for
RMS, not writing. Nothing is ever deleted: an item or variant RMS no longer has gets ``gone_at``; one that
comes back is live again.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from accounts.models import EcAccount
from lib.fastwrite import insert_values, set_by_id, update_rows
from rakuten_link.models import CatalogueItem, CatalogueVariant
from rakuten_link.rms.types import RmsItem
from rakuten_link.sync.catalogue.rows import ITEM_FIELDS, VARIANT_FIELDS, ItemRows, item_rows, selectors_json
from rakuten_link.sync.catalogue.watch import flag_gone_mappings

ITEM_COLUMNS = ("account", "manage_number", *ITEM_FIELDS, "digest", "pulled_at")
VARIANT_COLUMNS = ("item", "account", "variant_id", *VARIANT_FIELDS, "pulled_at")
# Passed ready: keys, strings, flags and the selectors' JSON text (rows.selectors_json).
_PLAIN = ("item", "account", "manage_number", "variant_id", "item_number", "title", "hidden", "genre_id", "price",
          "digest", "merchant_sku_id", "selectors", "jan", "article_number", "pre_sku")


def store_items(account: EcAccount, items: Sequence[RmsItem], at: datetime) -> int:
    """Insert or update ``items`` and their variants; variants they no longer have are marked gone.

    An item whose digest (rows.py) equals the stored one and that is not marked gone is left as it is, its
    variants unread: only ``pulled_at`` moves, in one statement per table. The others are written: new items
    and their variants inserted in bulk, changed ones updated, their variants compared value by value.
    Returns the number of variants seen. Items with no manageNumber are skipped; an item search returns a
    deleted item with only its manageNumber, and no variants: ``store_items`` is not given those.
    """
    rows = {row.manage_number: row for row in (item_rows(item) for item in items if item.manage_number)}
    page = CatalogueItem.objects.filter(account=account, manage_number__in=list(rows))
    existing = {row[0]: row[1:] for row in page.values_list("manage_number", "id", "digest", "gone_at")}
    new = [row for number, row in rows.items() if number not in existing]
    insert_values(CatalogueItem, ITEM_COLUMNS, [(account.pk, row.manage_number, *row.values, row.digest, at)
                                                for row in new], plain=_PLAIN)
    same = [row_id for number, (row_id, digest, gone_at) in existing.items()
            if rows[number].digest == digest and gone_at is None]
    kept = set(same)
    changed = {row_id: rows[number] for number, (row_id, *_rest) in existing.items() if row_id not in kept}
    update_rows([CatalogueItem(id=row_id, **dict(zip(ITEM_FIELDS, row.values, strict=True)), digest=row.digest,
                               gone_at=None, pulled_at=at) for row_id, row in changed.items()],
                [*ITEM_FIELDS, "digest", "gone_at", "pulled_at"])
    CatalogueItem.objects.filter(id__in=same).update(pulled_at=at)
    if new:
        ids = dict(CatalogueItem.objects.filter(account=account, manage_number__in=[row.manage_number for row in new])
                   .values_list("manage_number", "id"))
        _insert_variants(account, [(ids[row.manage_number], row) for row in new], at)
    _store_variants(account, changed, at)
    CatalogueVariant.objects.filter(item_id__in=[*same, *changed], gone_at__isnull=True).update(pulled_at=at)
    return sum(len(row.variants) for row in rows.values())


def _insert_variants(account: EcAccount, items: Sequence[tuple[int, ItemRows]], at: datetime) -> None:
    """Every variant of items just inserted (none of them can have a stored variant yet)."""
    account_id = account.pk  # read once: a property, asked for each of thousands of rows otherwise
    insert_values(CatalogueVariant, VARIANT_COLUMNS,
                  [(item_id, account_id, variant_id, sku, selectors_json(selectors), jan, article, pre_sku, at)
                   for item_id, row in items for variant_id, (sku, selectors, jan, article, pre_sku) in row.variants],
                  plain=_PLAIN)


def _store_variants(account: EcAccount, items: dict[int, ItemRows], at: datetime) -> None:
    """The variants of stored items that changed, compared value by value with their rows."""
    if not items:
        return
    known = {(row[0], row[1]): row[2:] for row in CatalogueVariant.objects.filter(item_id__in=list(items))
             .values_list("item_id", "variant_id", "id", *VARIANT_FIELDS, "gone_at")}
    inserts, changed, named = [], [], set()
    for item_id, item in items.items():
        for variant_id, values in item.variants:
            key = (item_id, variant_id)
            named.add(key)
            row = known.get(key)
            if row is None:
                inserts.append((item_id, variant_id, values))
            elif tuple(row[1:-1]) != values or row[-1] is not None:
                changed.append(CatalogueVariant(id=row[0], **dict(zip(VARIANT_FIELDS, values, strict=True)),
                                                gone_at=None))
    insert_values(CatalogueVariant, VARIANT_COLUMNS,
                  [(item_id, account.pk, variant_id, values[0], selectors_json(values[1]), *values[2:], at)
                   for item_id, variant_id, values in inserts], plain=_PLAIN)
    update_rows(changed, [*VARIANT_FIELDS, "gone_at"])
    # A live variant this write did not name is gone from its item.
    gone = [row[0] for key, row in known.items() if key not in named and row[-1] is None]
    _mark_variants_gone(account, CatalogueVariant.objects.filter(id__in=gone), at)


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
