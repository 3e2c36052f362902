"""Judging one mapping against the item RMS returned: OK, or エラー with a message staff can act on.

Legacy (pre-SKU-migration) mappings name 横軸/縦軸 choices instead of a variantId. After migration
the item's ``variantSelectors`` are the old axes and each variant's ``selectorValues`` holds the old
choice names (docs/rms.md §9), so the variant whose values equal the given names is the one.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from rakuten_link.models import ProductMapping
from rakuten_link.rms import RmsItem, RmsVariant


@dataclass(frozen=True)
class Verdict:
    ok: bool
    message: str = ""
    variant_id: str = ""  # set when a legacy mapping was resolved
    merchant_defined_sku_id: str = ""
    resolved: bool = False
    choices: dict[str, str] | None = None  # set when ok: the verified variant's {selector name: value}


def judge(mapping: ProductMapping, item: RmsItem | None, *, valid: bool, taken: set[tuple[str, str]]) -> Verdict:
    """``taken`` holds (manageNumber, variantId) pairs already mapped; resolutions are added to it."""
    if not valid:
        return Verdict(False, _("The item management number may contain only a–z, 0–9, '-' and '_'."))
    if item is None:
        return Verdict(False, _("商品管理番号が存在しません"))
    if mapping.variant_id:
        return _check_variant(mapping.variant_id, item)
    return _resolve_legacy(mapping, item, taken)


def _check_variant(variant_id: str, item: RmsItem) -> Verdict:
    variant = item.variants.get(variant_id)
    if variant is not None:
        return Verdict(True, merchant_defined_sku_id=variant.merchant_defined_sku_id,
                       choices=variant_choices(item, variant))
    message = _("SKU management number %(variant)s does not exist in this item.") % {"variant": variant_id}
    same_but_case = [vid for vid in item.variants if vid.lower() == variant_id.lower()]
    if same_but_case:  # variantId is case-sensitive (§3), a frequent slip when typing it in Excel
        message += " " + _("Did you mean %(variant)s? (upper and lower case differ)") % {"variant": same_but_case[0]}
    else:
        message += " " + _("It has: %(variants)s") % {"variants": ", ".join(list(item.variants)[:5])}
    return Verdict(False, message)


def _resolve_legacy(mapping: ProductMapping, item: RmsItem, taken: set[tuple[str, str]]) -> Verdict:
    wanted = [_norm(c) for c in (mapping.legacy_h_choice, mapping.legacy_v_choice) if _norm(c)]
    choices = " / ".join(wanted)
    found = _matching_variants(item, wanted)
    if not found:
        return Verdict(False, _("No SKU of this item has the choices %(choices)s.") % {"choices": choices})
    if len(found) > 1:
        return Verdict(False, _("Several SKUs match the choices %(choices)s: %(variants)s")
                       % {"choices": choices, "variants": ", ".join(found[:5])})
    variant_id = found[0]
    if (mapping.manage_number, variant_id) in taken:
        return Verdict(False, _("The choices %(choices)s are SKU %(variant)s, which another mapping already uses.")
                       % {"choices": choices, "variant": variant_id})
    taken.add((mapping.manage_number, variant_id))
    return Verdict(
        True,
        _("SKU management number %(variant)s found from the choices %(choices)s.")
        % {"variant": variant_id, "choices": choices},
        variant_id=variant_id,
        merchant_defined_sku_id=item.variants[variant_id].merchant_defined_sku_id,
        resolved=True,
        choices=variant_choices(item, item.variants[variant_id]),
    )


def variant_choices(item: RmsItem, variant: RmsVariant) -> dict[str, str]:
    """{selector display name: value} in the item's axis order; {} for an item without selectors.

    Display names, not selector keys: order lines show choices as ``項目名:選択肢`` with the name staff
    and buyers see. A value whose key the item does not list keeps the key as its name.
    """
    return item_choices(item)(variant)


def item_choices(item: RmsItem) -> Callable[[RmsVariant], dict[str, str]]:
    """``variant_choices`` for the variants of ``item``, its axes read once (a catalogue pull asks 20,000)."""
    names = {selector.key: selector.display_name or selector.key for selector in item.variant_selectors}
    order = [selector.key for selector in item.variant_selectors]

    def choices(variant: RmsVariant) -> dict[str, str]:
        values = variant.selector_values
        keys = order + [key for key in values if key not in names]
        return {names.get(key, key): values[key] for key in keys if values.get(key)}

    return choices


def _matching_variants(item: RmsItem, wanted: list[str]) -> list[str]:
    """Variants whose choice values equal ``wanted``: in axis order (横軸 first) or, failing that, in any order."""
    keys = [selector.key for selector in item.variant_selectors]
    exact, any_order = [], []
    for variant_id, variant in item.variants.items():
        values = [_norm(variant.selector_values.get(key, "")) for key in keys]
        values = [value for value in values if value]
        if values == wanted:
            exact.append(variant_id)
        elif sorted(values) == sorted(wanted):
            any_order.append(variant_id)
    return exact or any_order


def _norm(value: str) -> str:
    """Full-width and half-width spellings (Ｍ / M) are the same choice to staff."""
    return unicodedata.normalize("NFKC", value or "").strip()
