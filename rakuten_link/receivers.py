"""Reacting to stock movements: a sale on the shop floor reaches Rakuten within seconds.

inventory sends ``stock_changed`` after commit and knows nothing of Rakuten; here we find the
accounts that sell the moved SKUs from the moved stores and record them as pending; a push is queued at
once when the account is idle, else later by the push in flight or rakuten_poll (sync/inventory/pending.py).
"""

from __future__ import annotations

import logging

from django.db.models.signals import post_save
from django.dispatch import receiver

from accounts.models import EcAccount
from inventory.signals import stock_changed
from rakuten_link.listing.models import DEFAULT_TEMPLATE_NAME
from rakuten_link.models import ListingTemplate, MappingStatus, ProductMapping
from rakuten_link.sync.inventory.pending import request_push

logger = logging.getLogger(__name__)
SLICE = 500


@receiver(stock_changed, dispatch_uid="rakuten_link.push_on_stock_change")
def push_on_stock_change(sender, sku_ids=(), store_ids=(), **_kwargs) -> None:
    """Never raises: the stock change is already committed, and the every-minute push is the safety net."""
    try:
        request_push(accounts_selling(sku_ids, store_ids))
    except Exception:
        logger.exception("could not queue an inventory push for SKUs %s", sorted(sku_ids)[:20])


def accounts_selling(sku_ids, store_ids) -> set[tuple[int, int]]:
    """(account, SKU) pairs to push: verified mappings of accounts bound to a moved store, updates on."""
    if not sku_ids or not store_ids:
        return set()
    sku_ids = sorted(sku_ids)
    pairs: set[tuple[int, int]] = set()
    # A batch of movements (an order fetch, a stock CSV) arrives as one notice: keep each IN list small.
    for start in range(0, len(sku_ids), SLICE):
        rows = ProductMapping.objects.filter(
            sku_id__in=sku_ids[start:start + SLICE],
            status=MappingStatus.OK,
            account__stores__in=list(store_ids),
            account__job_push_inventory=True,
            account__jobs_paused=False,
        ).values_list("account_id", "sku_id")
        pairs.update(rows.distinct())
    return pairs


@receiver(post_save, sender=EcAccount, dispatch_uid="rakuten_link.default_listing_template")
def create_default_listing_template(sender, instance, created=False, raw=False, **_kwargs) -> None:
    """Every account has the listing template 標準 from the start (used when none is chosen)."""
    if created and not raw:
        ListingTemplate.objects.get_or_create(account=instance, name=DEFAULT_TEMPLATE_NAME)
