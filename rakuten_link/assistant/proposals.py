"""An account's proposals: the catalogue and our SKUs read as records, matched, and stored.

`refresh_proposals` is what `manage.py match_catalogue` and the assistant page's "match again" run: it
reads the account's unmapped variants (gone ones left out), every SKU of ours, the SKUs the account
already maps and the pairs staff rejected, runs the engine and replaces the account's proposals in one
transaction. Reading is a handful of queries whatever the size; writing is a bulk insert.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from accounts.models import EcAccount
from inventory.models import Sku
from rakuten_link.assistant.engine import Proposal, SkuRecord, VariantRecord, propose
from rakuten_link.assistant.models import MappingProposal, MatchingRun, RejectedPair
from rakuten_link.models import CatalogueVariant, ProductMapping

BATCH = 2000


@dataclass
class Counts:
    """Variants proposed per confidence, clean (acceptable in bulk) or in conflict, and per reason."""

    clean: Counter = field(default_factory=Counter)
    conflicts: Counter = field(default_factory=Counter)
    reasons: Counter = field(default_factory=Counter)
    unmapped: int = 0
    without_proposal: int = 0


def legacy_choices(variant_id: str) -> tuple[str, str]:
    """The 横軸 and 縦軸 values of a pre-SKU choice, from its id ``横×縦`` (rms/parse_catalog.py)."""
    horizontal, _sep, vertical = variant_id.partition("×")
    return horizontal, vertical


def mapped_variant_keys(account: EcAccount) -> tuple[set[tuple[str, str]], set[tuple[str, str, str]]]:
    """(manageNumber, variantId) and (manageNumber, 横軸, 縦軸) of the account's mappings."""
    by_variant, legacy = set(), set()
    rows = ProductMapping.objects.filter(account=account).values_list(
        "manage_number", "variant_id", "legacy_h_choice", "legacy_v_choice")
    for manage_number, variant_id, h_choice, v_choice in rows.iterator():
        if variant_id:
            by_variant.add((manage_number.lower(), variant_id))
        else:
            legacy.add((manage_number.lower(), h_choice, v_choice))
    return by_variant, legacy


def unmapped_variants(account: EcAccount) -> list[VariantRecord]:
    """The account's variants on Rakuten that no mapping names, as engine records keyed by their id."""
    by_variant, legacy = mapped_variant_keys(account)
    rows = (CatalogueVariant.objects.filter(account=account, gone_at__isnull=True, item__gone_at__isnull=True)
            .values_list("pk", "item__manage_number", "item__item_number", "item__title", "variant_id",
                         "merchant_sku_id", "jan", "selectors", "pre_sku"))
    records = []
    for pk, manage_number, item_number, title, variant_id, merchant_sku, jan, selectors, pre_sku in rows.iterator():
        manage_number = manage_number.lower()
        if (manage_number, variant_id) in by_variant:
            continue
        if pre_sku and (manage_number, *legacy_choices(variant_id)) in legacy:
            continue
        values = tuple(str(v) for v in (selectors or {}).values())
        records.append(VariantRecord(pk, manage_number, variant_id, item_number, merchant_sku, jan, title, values,
                                     pre_sku))
    return records


def sku_records() -> list[SkuRecord]:
    rows = Sku.objects.values_list("pk", "code", "product__code", "product__name", "jan_code", "options")
    return [SkuRecord(pk, code, product_code, product_name, jan,
                      tuple(str(v) for v in options.values()) if isinstance(options, dict) else ())
            for pk, code, product_code, product_name, jan, options in rows.iterator()]


def compute(account: EcAccount) -> tuple[list[VariantRecord], list[Proposal]]:
    """The engine's proposals for the account now (nothing written)."""
    variants = unmapped_variants(account)
    mapped = set(ProductMapping.objects.filter(account=account).values_list("sku_id", flat=True))
    rejected = RejectedPair.objects.filter(account=account).values_list("variant_id", "sku_id")
    return variants, propose(variants, sku_records(), rejected=list(rejected), mapped=mapped)


def count(variants: list[VariantRecord], proposals: list[Proposal]) -> Counts:
    """Per variant: its confidence, whether it is clean, its reason (a variant with candidates counts once)."""
    counts = Counts(unmapped=len(variants))
    seen: dict[int, Proposal] = {}
    for proposal in proposals:
        if proposal.variant not in seen or proposal.conflict:
            seen[proposal.variant] = proposal
    for proposal in seen.values():
        (counts.conflicts if proposal.conflict else counts.clean)[proposal.confidence] += 1
        counts.reasons[proposal.reason] += 1
    counts.without_proposal = len(variants) - len(seen)
    return counts


def refresh_proposals(account: EcAccount, *, dry_run: bool = False) -> Counts:
    """Match the account's catalogue again and store the proposals (unless ``dry_run``)."""
    variants, proposals = compute(account)
    if not dry_run:
        with transaction.atomic():
            MappingProposal.objects.filter(account=account).delete()
            rows = [MappingProposal(account=account, variant_id=p.variant, sku_id=p.sku, confidence=p.confidence,
                                    reason=p.reason, conflict=p.conflict) for p in proposals]
            MappingProposal.objects.bulk_create(rows, batch_size=BATCH)
            MatchingRun.objects.update_or_create(account=account, defaults={"matched_at": timezone.now()})
    return count(variants, proposals)


def stored_counts(account: EcAccount) -> Counts:
    """The counts of the stored proposals (the assistant page), one query."""
    counts = Counts()
    rows = MappingProposal.objects.filter(account=account).values_list("variant_id", "confidence", "reason",
                                                                        "conflict")
    seen: dict[int, tuple] = {}
    for variant, confidence, reason, conflict in rows.iterator():
        if variant not in seen or conflict:
            seen[variant] = (confidence, reason, conflict)
    for confidence, reason, conflict in seen.values():
        (counts.conflicts if conflict else counts.clean)[confidence] += 1
        counts.reasons[reason] += 1
    return counts
