"""Proposals turned into mappings (accepted, one by one or all high-confidence ones at once) or rejected.

The one writer of what the assistant creates, for the admin page and `manage.py match_catalogue --accept`
alike. A mapping is written as the mapping CSV import writes one (the same key rules, ``insert_rows``,
status 未確認, verification requested after commit), so the 5-minute verification job checks it and it
turns green. Every call leaves one audit entry naming who and how many. Order lines waiting as 要確認
for one of the accepted items are then matched again, as the order list's re-match action does.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from accounts.models import EcAccount
from inventory.models import Sku
from lib.audit import record_action
from lib.fastwrite import insert_rows
from orders import timeline
from orders.models import Order, OrderLine
from orders.services import ACTIVE_STATES
from rakuten_link.assistant.models import Confidence, MappingProposal, RejectedPair
from rakuten_link.assistant.proposals import legacy_choices, mapped_variant_keys
from rakuten_link.mappings.rules import (
    MappingError,
    check_merchant_sku,
    check_variant_id,
    normalise_manage_number,
    request_verification,
)
from rakuten_link.models import CatalogueVariant, ProductMapping
from rakuten_link.sync.orders.manual import rematch_order

CHUNK = 500


@dataclass
class Accepted:
    created: int = 0
    skipped: int = 0  # already mapped, gone from Rakuten, an unknown SKU or a key RMS would refuse
    lines: int = 0  # 要確認 order lines that match a SKU now
    collided: bool = False  # someone mapped one of the variants meanwhile: nothing was written


def high_pairs(account: EcAccount) -> list[tuple[int, int]]:
    """(variant, SKU) of every high-confidence proposal without a conflict: what "accept all" accepts."""
    rows = MappingProposal.objects.filter(account=account, confidence=Confidence.HIGH, conflict="")
    return list(rows.order_by("variant_id").values_list("variant_id", "sku_id"))


def accept_pairs(account: EcAccount, pairs: list[tuple[int, int]], *, user, how: str,
                 one_to_one: bool = True) -> Accepted:
    """Create one mapping per (variant, SKU) pair; ``how`` says which button or command did it (audit)."""
    try:
        with transaction.atomic():
            result, manage_numbers = create_mappings(account, pairs, one_to_one=one_to_one)
    except IntegrityError:  # a mapping of one of these variants was saved meanwhile (the unique constraint)
        result, manage_numbers = Accepted(skipped=len(pairs), collided=True), set()
    finish(account, result, manage_numbers, user=user, how=how)
    return result


def create_mappings(account: EcAccount, pairs: list[tuple[int, int]], *, one_to_one: bool = True
                    ) -> tuple[Accepted, set[str]]:
    """The mappings of the pairs, written (inside the caller's transaction); the items they name.

    ``one_to_one``: a SKU of ours already mapped in the account (or twice in the pairs) is skipped — a
    proposal still clean on the page may name a SKU picked by hand since. The products import maps the
    Rakuten SKUs that share one code to that one SKU, so it turns this off."""
    result, manage_numbers = Accepted(), set()
    by_variant, legacy = mapped_variant_keys(account)
    mappings, done, used = [], set(), set()
    for chunk in _chunks(pairs):
        variants = {v.pk: v for v in CatalogueVariant.objects.filter(
            account=account, pk__in=[v for v, _s in chunk], gone_at__isnull=True).select_related("item")}
        skus = set(Sku.objects.filter(pk__in=[s for _v, s in chunk]).values_list("pk", flat=True))
        if one_to_one:
            used |= set(ProductMapping.objects.filter(account=account, sku_id__in=skus).values_list("sku_id",
                                                                                                    flat=True))
        for variant_pk, sku_pk in chunk:
            variant = variants.get(variant_pk)
            mapping = None
            if variant is not None and sku_pk in skus and variant_pk not in done and sku_pk not in used:
                mapping = _mapping(account, variant, sku_pk, by_variant, legacy)
            if mapping is None:
                result.skipped += 1
                continue
            done.add(variant_pk)
            if one_to_one:
                used.add(sku_pk)
            mappings.append(mapping)
            manage_numbers.add(mapping.manage_number)
    insert_rows(mappings)
    for chunk in _chunks(sorted(done)):
        MappingProposal.objects.filter(account=account, variant_id__in=chunk).delete()
    result.created = len(mappings)
    if mappings:
        transaction.on_commit(lambda: request_verification(account.pk))
    return result, manage_numbers


def finish(account: EcAccount, result: Accepted, manage_numbers: set[str], *, user, how: str) -> None:
    """After the commit: the waiting order lines matched again, and the audit entry (when a person acted)."""
    result.lines = rematch_waiting(account, manage_numbers, user)
    if user is None:
        return
    record_action(user, account, _("Mapping assistant (%(how)s): %(n)d mappings created, %(s)d skipped, %(l)d "
                                   "waiting order lines matched.")
                  % {"how": how, "n": result.created, "s": result.skipped, "l": result.lines})


def mapped_elsewhere(account: EcAccount, sku_pk: int) -> str:
    """The Rakuten SKU of the account already sold as this SKU of ours ("" when none): one to one, as the
    matching's conflicts keep it, for what staff choose by hand (a picked SKU, a proposal accepted alone)."""
    mapping = ProductMapping.objects.filter(account=account, sku_id=sku_pk).order_by("pk").first()
    if mapping is None:
        return ""
    return f"{mapping.manage_number} / {mapping.variant_id or f'{mapping.legacy_h_choice}×{mapping.legacy_v_choice}'}"


def accept_one(account: EcAccount, variant_pk: int, sku: Sku, *, user, how: str,
               also_mapped: bool = False) -> Accepted | str:
    """One pair chosen by a person: the refusal (in words) when the SKU is mapped already, else accept_pairs.

    ``also_mapped``: staff confirmed that the SKU is sold as both Rakuten SKUs (a set, an item listed twice),
    which the audit entry then says. The SKU row is locked while checking and writing, so two people
    picking it at once do not both win."""
    with transaction.atomic():
        Sku.objects.select_for_update().filter(pk=sku.pk).first()
        taken = mapped_elsewhere(account, sku.pk)
        if taken and also_mapped:
            how += " " + _("(also sold as %(variant)s)") % {"variant": taken}
        elif taken:
            return _("%(sku)s is already mapped to the Rakuten SKU %(variant)s of this account: a SKU of ours is "
                     "sold as one Rakuten SKU only. Pick another SKU, or remove that mapping first.") % {
                         "sku": sku.code, "variant": taken}
        return accept_pairs(account, [(variant_pk, sku.pk)], user=user, how=how, one_to_one=not also_mapped)


def reject_pair(account: EcAccount, variant_pk: int, sku_pk: int, *, user) -> bool:
    """Remember that this variant is not this SKU; its proposal goes. False when there was no such proposal."""
    proposal = (MappingProposal.objects.filter(account=account, variant_id=variant_pk, sku_id=sku_pk)
                .select_related("variant__item", "sku").first())
    if proposal is None:
        return False
    with transaction.atomic():
        RejectedPair.objects.get_or_create(account=account, variant_id=variant_pk, sku_id=sku_pk,
                                           defaults={"rejected_by": user if user.pk else None})
        proposal.delete()
        record_action(user, account, _("Mapping assistant: rejected %(variant)s → %(sku)s; it is not proposed "
                                       "again.") % {"variant": _variant_label(proposal.variant),
                                                    "sku": proposal.sku.code})
    return True


def rematch_waiting(account: EcAccount, manage_numbers: set[str], user) -> int:
    """Match again the 要確認 lines of open orders for these items (the order list's re-match action)."""
    if not manage_numbers:
        return 0
    waiting: set[int] = set()
    for chunk in _chunks(sorted(manage_numbers)):  # RMS folds manageNumber to lower case; lines keep it as sent
        waiting |= set(OrderLine.objects.annotate(folded=Lower("manage_number")).filter(
            order__account=account, order__state__in=ACTIVE_STATES, sku__isnull=True, removed=False,
            folded__in=chunk).values_list("order_id", flat=True))
    matched = 0
    with timeline.acting(user=user):
        for order in Order.objects.filter(pk__in=sorted(waiting)):
            matched += rematch_order(order)
    return matched


def _mapping(account: EcAccount, variant: CatalogueVariant, sku_pk: int, by_variant: set, legacy: set):
    """The mapping the pair makes, or None when the variant is mapped already or RMS's keys do not fit ours."""
    try:
        manage_number = normalise_manage_number(variant.item.manage_number)
        mapping = ProductMapping(account=account, manage_number=manage_number, sku_id=sku_pk,
                                 merchant_defined_sku_id=check_merchant_sku(variant.merchant_sku_id))
        if variant.pre_sku:
            mapping.legacy_h_choice, mapping.legacy_v_choice = (c[:100] for c in legacy_choices(variant.variant_id))
            key: tuple = (manage_number, mapping.legacy_h_choice, mapping.legacy_v_choice)
            known = legacy
        else:
            mapping.variant_id = check_variant_id(variant.variant_id)
            key, known = (manage_number, mapping.variant_id), by_variant
    except MappingError:
        return None
    if key in known or not (mapping.variant_id or mapping.legacy_h_choice or mapping.legacy_v_choice):
        return None
    known.add(key)
    return mapping


def _variant_label(variant: CatalogueVariant) -> str:
    return f"{variant.item.manage_number} / {variant.variant_id}"


def _chunks(items: list) -> list[list]:
    return [items[start:start + CHUNK] for start in range(0, len(items), CHUNK)]
