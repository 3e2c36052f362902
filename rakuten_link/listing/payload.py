"""The items.upsert body (docs/rms.md §4) for a draft: one variant per SKU, a full replace.

Only written here, never read: what RMS sends back is parsed in rakuten_link/rms/ (RmsItem).
"""

from __future__ import annotations

from typing import Any

from .draft import ListingDraft


def item_body(draft: ListingDraft) -> dict[str, Any]:
    """The full item as RMS stores it; the whole item is replaced, so every field we manage is present."""
    body: dict[str, Any] = {
        "itemNumber": draft.item_number,
        "title": draft.title,
        "tagline": draft.tagline,
        "productDescription": {"pc": draft.pc_description, "sp": draft.sp_description},
        "salesDescription": draft.sales_description,
        "itemType": "NORMAL",
        "genreId": draft.genre_id,
        "hideItem": draft.hidden,
        "images": [{"type": "CABINET", "location": location, "alt": draft.title} for location in draft.images],
        "payment": {
            "taxIncluded": draft.tax_included,
            "taxRate": str(draft.tax_rate.normalize()),
            "cashOnDeliveryFeeIncluded": draft.cod_fee_included,
        },
        "variants": {
            variant.variant_id: {
                "merchantDefinedSkuId": variant.sku_code,
                "selectorValues": dict(variant.values),
                "standardPrice": str(draft.price or 0),
                "shipping": {"postageIncluded": draft.postage_included},
            }
            for variant in draft.plan.variants
        },
    }
    selectors = [
        {"key": s.key, "displayName": s.display_name, "values": [{"displayValue": v} for v in s.values]}
        for s in draft.plan.selectors
    ]
    # A single-SKU item has no variantSelectors at all (§4), not an empty list.
    return {**body, "variantSelectors": selectors} if selectors else body


def price_body(variant_ids: list[str], price: int) -> dict[str, Any]:
    """The items.patch body that changes the price of these variants and nothing else."""
    return {"variants": {variant_id: {"standardPrice": str(price)} for variant_id in variant_ids}}
