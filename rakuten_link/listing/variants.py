"""Our SKUs as Rakuten variants (docs/rms.md §4, §9): one variant per SKU, selectors from Sku.options.

By default every key found in the product's Sku.options becomes a selector under its own name, in order
of first appearance; a template may choose the keys and their display names instead. A product with a
single SKU becomes one variant without selectors, as RMS requires. variantId is our SKU code folded to
RMS's characters (a-z 0-9 - _), merchantDefinedSkuId our SKU code as it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_NOT_ALLOWED = re.compile(r"[^a-z0-9_-]")


@dataclass(frozen=True)
class Selector:
    """One variant axis: ``key`` on Rakuten, the Sku.options key it reads, its name and its values."""

    key: str
    option: str
    display_name: str
    values: list[str]


@dataclass(frozen=True)
class Variant:
    """One SKU as a Rakuten variant; ``values`` maps selector key → value ("" = the SKU has none)."""

    variant_id: str
    sku_code: str
    sku_id: int
    values: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class VariantPlan:
    selectors: list[Selector]
    variants: list[Variant]

    def choices(self, variant: Variant) -> dict[str, str]:
        """{selector display name: value} of one variant, as ProductMapping.variant_choices keeps them."""
        return {s.display_name: variant.values.get(s.key, "") for s in self.selectors}


def variant_id_for(sku_code: str) -> str:
    """Our SKU code in RMS's variantId characters: lower case, anything else becomes "-"."""
    return _NOT_ALLOWED.sub("-", sku_code.strip().lower())


def default_mapping(skus: list) -> list[tuple[str, str]]:
    """(option, display name) for every key of the SKUs' options, in order of first appearance."""
    keys = dict.fromkeys(key for sku in skus for key in (sku.options or {}))
    return [(key, key) for key in keys]


def plan_variants(skus: list, mapping: list[tuple[str, str]] | None = None) -> VariantPlan:
    """Selectors and variants for ``skus`` (ordered); ``mapping`` [] / None = default_mapping."""
    variants_only = [Variant(variant_id_for(sku.code), sku.code, sku.pk) for sku in skus]
    if len(skus) <= 1:
        return VariantPlan([], variants_only)
    mapping = mapping or default_mapping(skus)
    selectors = []
    for index, (option, display_name) in enumerate(mapping, start=1):
        values = [str((sku.options or {}).get(option, "")).strip() for sku in skus]
        selectors.append(Selector(f"opt{index}", option, display_name, [v for v in dict.fromkeys(values) if v]))
    variants = [
        Variant(v.variant_id, v.sku_code, v.sku_id,
                {s.key: str((sku.options or {}).get(s.option, "")).strip() for s in selectors})
        for v, sku in zip(variants_only, skus, strict=True)
    ]
    return VariantPlan(selectors, variants)
