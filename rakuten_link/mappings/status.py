"""The one writer of a mapping's status (OK / エラー / 未確認), its message and when it was checked.

Callers: the verify job (``apply_verdict``), the mapping form and CSV import when a mapping names another
Rakuten SKU (``mark_unchecked``), the inventory push when RMS rejects a row (``mark_rejected``), a successful
listing (``verified``: the values of a mapping RMS has just accepted) and the admin's "verify now"
(``request_recheck``), and the catalogue pull when a variant is gone from RMS (``mark_gone``). Only
mappings with status OK are ever pushed, so every move goes through here.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from rakuten_link.models import MappingStatus, ProductMapping


def apply_verdict(mapping: ProductMapping, ok: bool, message: str, now: datetime) -> None:
    """RMS was asked: OK or error with why (the caller saves the batch)."""
    mapping.status = MappingStatus.OK if ok else MappingStatus.ERROR
    mapping.status_message = message[:500]
    mapping.checked_at = now


def mark_unchecked(mapping: ProductMapping, *, forget_check: bool = False) -> None:
    """It names another Rakuten SKU now: what was verified says nothing about it (the caller saves)."""
    mapping.status, mapping.status_message = MappingStatus.UNCHECKED, ""
    if forget_check:
        mapping.checked_at = None


def mark_rejected(mapping_id: int, text: str) -> None:
    """RMS rejected the stock update of this mapping: it is not pushed again until verified."""
    ProductMapping.objects.filter(pk=mapping_id).update(status=MappingStatus.ERROR, status_message=text[:500],
                                                        checked_at=timezone.now())


def verified(now: datetime) -> dict:
    """The status fields of a mapping RMS has just accepted (for ``update_or_create``'s defaults)."""
    return {"status": MappingStatus.OK, "status_message": "", "checked_at": now}


def request_recheck(mappings: QuerySet) -> None:
    """Staff ask for a check now: the next verify run takes these first."""
    mappings.update(checked_at=None)


def mark_gone(mappings: QuerySet, text: str) -> int:
    """The catalogue pull found their Rakuten SKU gone: error with why; the mappings themselves are kept."""
    not_yet = mappings.exclude(status=MappingStatus.ERROR, status_message=text[:500])
    return not_yet.update(status=MappingStatus.ERROR, status_message=text[:500], checked_at=timezone.now())
