"""What a catalogue pull tells the mappings: a variant gone from RMS turns its mapping to error, with why.

The mapping is kept (staff may map the SKU elsewhere, or the variant may come back, and the verify job then
turns it OK again). SKU-era mappings match on (manageNumber, variantId); legacy ones on their 横軸/縦軸
choices, which is what a pre-SKU variant's id is built from. A pre-SKU choice that is gone because its item
migrated to SKUs (a live variant of the item has the same choice values) is not an error: its legacy
mappings are handed to the verify job first, which resolves them to that variant's id.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import EcAccount
from rakuten_link.mappings.status import mark_gone, request_recheck
from rakuten_link.models import CatalogueVariant, ProductMapping
from rakuten_link.rms.parse_catalog import legacy_choice_id

CHUNK = 500


def flag_gone_mappings(account: EcAccount, gone: Iterable[tuple[str, str, bool]], at: datetime) -> int:
    """``gone``: (manageNumber, variant id, pre-SKU) of variants that just disappeared; returns mappings flagged."""
    text = _("This SKU is no longer on Rakuten (the catalogue pull of %(when)s did not find it).") % {
        "when": timezone.localtime(at).strftime("%Y-%m-%d %H:%M")}
    rows = list(gone)
    migrated = _migrated(account, [(mn, vid) for mn, vid, pre_sku in rows if pre_sku])
    if migrated:
        request_recheck(ProductMapping.objects.filter(_any(_legacy(mn, vid) for mn, vid in migrated),
                                                      account=account))
        rows = [row for row in rows if (row[0], row[1]) not in migrated]
    flagged = 0
    for start in range(0, len(rows), CHUNK):
        condition = Q()
        for manage_number, variant_id, pre_sku in rows[start:start + CHUNK]:
            condition |= _legacy(manage_number, variant_id) if pre_sku else Q(
                manage_number=manage_number, variant_id=variant_id)
        if condition:
            flagged += mark_gone(ProductMapping.objects.filter(condition, account=account), text)
    return flagged


def _any(conditions: Iterable[Q]) -> Q:
    combined = Q()
    for condition in conditions:
        combined |= condition
    return combined


def _migrated(account: EcAccount, choices: list[tuple[str, str]]) -> set[tuple[str, str]]:
    """The pre-SKU (manageNumber, id) pairs whose item now has a live SKU-era variant with the same choices."""
    if not choices:
        return set()
    live: dict[str, set[frozenset[str]]] = {}
    for manage_number, selectors in CatalogueVariant.objects.filter(
            account=account, item__manage_number__in={mn for mn, _vid in choices}, pre_sku=False,
            gone_at__isnull=True).values_list("item__manage_number", "selectors"):
        live.setdefault(manage_number, set()).add(frozenset(v for v in (selectors or {}).values() if v))
    found = set()
    for manage_number, variant_id in choices:
        horizontal, _sep, vertical = variant_id.partition("×")
        if frozenset(v for v in (horizontal, vertical) if v) in live.get(manage_number, set()):
            found.add((manage_number, variant_id))
    return found


def _legacy(manage_number: str, variant_id: str) -> Q:
    """Legacy mappings whose 横軸/縦軸 choices build this pre-SKU variant's id."""
    horizontal, _sep, vertical = variant_id.partition("×")
    assert legacy_choice_id(horizontal, vertical) == variant_id
    return Q(manage_number=manage_number, variant_id="", legacy_h_choice=horizontal, legacy_v_choice=vertical)
