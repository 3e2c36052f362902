"""What a catalogue pull tells the mappings: a variant gone from RMS turns its mapping to error, with why.

The mapping is kept (staff may map the SKU elsewhere, or the variant may come back, and the verify job then
turns it OK again). SKU-era mappings match on (manageNumber, variantId); legacy ones on their 横軸/縦軸
choices, which is what a pre-SKU variant's id is built from.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import EcAccount
from rakuten_link.mappings.status import mark_gone
from rakuten_link.models import ProductMapping
from rakuten_link.rms.parse_catalog import legacy_choice_id

CHUNK = 500


def flag_gone_mappings(account: EcAccount, gone: Iterable[tuple[str, str, bool]], at: datetime) -> int:
    """``gone``: (manageNumber, variant id, pre-SKU) of variants that just disappeared; returns mappings flagged."""
    text = _("This SKU is no longer on Rakuten (the catalogue pull of %(when)s did not find it).") % {
        "when": timezone.localtime(at).strftime("%Y-%m-%d %H:%M")}
    rows = list(gone)
    flagged = 0
    for start in range(0, len(rows), CHUNK):
        condition = Q()
        for manage_number, variant_id, pre_sku in rows[start:start + CHUNK]:
            condition |= _legacy(manage_number, variant_id) if pre_sku else Q(
                manage_number=manage_number, variant_id=variant_id)
        if condition:
            flagged += mark_gone(ProductMapping.objects.filter(condition, account=account), text)
    return flagged


def _legacy(manage_number: str, variant_id: str) -> Q:
    """Legacy mappings whose 横軸/縦軸 choices build this pre-SKU variant's id."""
    horizontal, _sep, vertical = variant_id.partition("×")
    assert legacy_choice_id(horizontal, vertical) == variant_id
    return Q(manage_number=manage_number, variant_id="", legacy_h_choice=horizontal, legacy_v_choice=vertical)
