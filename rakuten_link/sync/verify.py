"""Verify mappings against RMS (every 5 minutes): does each manageNumber / variantId exist?

Inventory upserts never check existence (docs/rms.md §3) — a typo would silently create an
orphan row that RMS deletes a day later — so only mappings verified here are ever pushed. Each run
takes the unchecked, the erroneous and those checked more than 24 h ago, asks items.bulk.get for
≤50 manageNumbers per call, and resolves legacy 横軸/縦軸 mappings to the variantId they became.
Each verified mapping also keeps its variant's choices, so pre-SKU order lines can be matched to it.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import EcAccount
from lib.fastwrite import update_rows
from rakuten_link.mappings.rules import MappingError, normalise_manage_number
from rakuten_link.mappings.status import apply_verdict
from rakuten_link.mappings.verdicts import Verdict, judge
from rakuten_link.models import MappingStatus, ProductMapping
from rakuten_link.rms import RmsClient, RmsItem
from rakuten_link.rms.api_catalog import ITEMS_GET_BATCH
from rakuten_link.sync.inventory.pending import request_push
from rakuten_link.sync.runner import JobResult

RECHECK_AFTER = timedelta(hours=24)
SAVED_FIELDS = ["status", "status_message", "checked_at", "variant_id", "merchant_defined_sku_id", "variant_choices"]


def verify_mappings(*, account: EcAccount, client: RmsClient, run, **_options) -> JobResult:
    due = due_mappings(account)
    counts = {"checked": 0, "ok": 0, "error": 0, "resolved": 0, "calls": 0}
    newly_ok: set[tuple[int, int]] = set()
    last = ""
    while True:
        numbers = list(
            due.filter(manage_number__gt=last).order_by("manage_number")
            .values_list("manage_number", flat=True).distinct()[:ITEMS_GET_BATCH]
        )
        if not numbers:
            break
        last = numbers[-1]
        newly_ok |= _verify_batch(account, client, due, numbers, counts)
    request_push(newly_ok)  # a mapping that just turned green gets its stock on Rakuten within seconds
    summary = _("%(checked)d checked: %(ok)d OK, %(error)d errors (%(calls)d RMS calls)") % counts
    return JobResult(summary=summary, counts=counts)


def due_mappings(account: EcAccount) -> QuerySet:
    stale = timezone.now() - RECHECK_AFTER
    return ProductMapping.objects.filter(account=account).filter(
        ~Q(status=MappingStatus.OK) | Q(checked_at__isnull=True) | Q(checked_at__lt=stale)
    )


def _verify_batch(account, client, due: QuerySet, numbers: list[str], counts: dict) -> set[tuple[int, int]]:
    """One items.bulk.get for ≤50 manageNumbers, then every due mapping of them judged and saved."""
    valid = [n for n in numbers if _is_valid(n)]
    items: dict[str, RmsItem] = {}
    if valid:
        counts["calls"] += 1
        items = {item.manage_number.lower(): item for item in client.bulk_get_items(valid)}
    mappings = list(due.filter(manage_number__in=numbers).order_by("pk"))
    taken = _taken_variants(account, numbers, {m.pk for m in mappings if not m.variant_id})
    now = timezone.now()
    newly_ok = set()
    for mapping in mappings:
        verdict = judge(mapping, items.get(mapping.manage_number), valid=mapping.manage_number in valid, taken=taken)
        was_ok = mapping.status == MappingStatus.OK
        _apply(mapping, verdict, now)
        counts["checked"] += 1
        counts["resolved"] += verdict.resolved
        counts["ok" if verdict.ok else "error"] += 1
        if verdict.ok and not was_ok:
            newly_ok.add((account.pk, mapping.sku_id))
    update_rows(mappings, SAVED_FIELDS)
    return newly_ok


def _is_valid(manage_number: str) -> bool:
    try:
        return normalise_manage_number(manage_number) == manage_number
    except MappingError:
        return False


def _taken_variants(account, numbers: list[str], resolving_ids: set[int]) -> set[tuple[str, str]]:
    """(manageNumber, variantId) pairs already used by other mappings: a legacy row must not resolve onto one."""
    if not resolving_ids:
        return set()
    rows = ProductMapping.objects.filter(account=account, manage_number__in=numbers).exclude(variant_id="")
    return set(rows.values_list("manage_number", "variant_id"))


def _apply(mapping: ProductMapping, verdict: Verdict, now) -> None:
    apply_verdict(mapping, verdict.ok, verdict.message, now)
    # Only a verified variant's choices are worth matching old order lines against (sync/orders/matching.py).
    mapping.variant_choices = verdict.choices if verdict.ok else None
    if verdict.variant_id:
        mapping.variant_id = verdict.variant_id
    if verdict.merchant_defined_sku_id and not mapping.merchant_defined_sku_id:
        mapping.merchant_defined_sku_id = verdict.merchant_defined_sku_id
