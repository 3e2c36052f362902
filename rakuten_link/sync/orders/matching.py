"""Which of our SKUs an order line is, and which of our payment methods an order's settlement method is.

SKU-era lines match a ProductMapping on (manageNumber, variantId). Pre-SKU lines (empty SkuModelList)
match on the 横軸/縦軸 choice names found in selectedChoice (``項目名:選択肢`` lines). manageNumber is
case-folded to lower case by RMS (rms-reference §3), variantId is case-sensitive.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from accounts.models import EcAccount
from rakuten_link.models import PaymentMethodMapping, ProductMapping


class LineMatcher:
    """Mappings for the manage numbers of one batch, read in one query."""

    def __init__(self, rows: Iterable[tuple[str, str, str, str, int]]) -> None:
        self._by_variant: dict[tuple[str, str], int] = {}
        self._legacy: dict[str, list[tuple[frozenset[str], int]]] = defaultdict(list)
        for manage_number, variant_id, h_choice, v_choice, sku_id in rows:
            key = manage_number.lower()
            if variant_id:
                self._by_variant[(key, variant_id)] = sku_id
            else:
                self._legacy[key].append((frozenset(c for c in (h_choice, v_choice) if c), sku_id))

    @classmethod
    def load(cls, account: EcAccount, manage_numbers: Iterable[str]) -> LineMatcher:
        wanted = {mn for mn in manage_numbers if mn} | {mn.lower() for mn in manage_numbers if mn}
        if not wanted:
            return cls([])
        rows = ProductMapping.objects.filter(account=account, manage_number__in=wanted).values_list(
            "manage_number", "variant_id", "legacy_h_choice", "legacy_v_choice", "sku_id"
        )
        return cls(rows)

    def match(self, manage_number: str, variant_id: str, selected_choice: str = "", sku_info: str = "") -> int | None:
        """The SKU id, or None (the line is then kept and flagged 要確認)."""
        key = manage_number.lower()
        if variant_id:
            found = self._by_variant.get((key, variant_id))
            if found is not None:
                return found
        # Pre-SKU lines always, and SKU-era lines of a product still mapped by its legacy choices.
        return self._match_legacy(key, choice_values(selected_choice) | choice_values(sku_info))

    def _match_legacy(self, key: str, values: set[str]) -> int | None:
        candidates = self._legacy.get(key) or []
        if len(candidates) == 1 and not candidates[0][0]:
            return candidates[0][1]  # a single-SKU legacy product: no choices to compare
        fits = [(len(needed), sku) for needed, sku in candidates if needed and needed <= values]
        if not fits:
            return None
        best = max(size for size, _sku in fits)
        skus = {sku for size, sku in fits if size == best}
        return skus.pop() if len(skus) == 1 else None  # ambiguous choices match nothing


def choice_values(text: str) -> set[str]:
    """The 選択肢 of ``項目名:選択肢`` lines (ASCII or full-width colon)."""
    values = set()
    for line in (text or "").replace("：", ":").splitlines():
        if ":" in line:
            value = line.split(":", 1)[1].strip()
            if value:
                values.add(value)
    return values


def payment_methods(account: EcAccount) -> dict[int, int]:
    """settlementMethodCode → our PaymentMethod id, for one account."""
    rows = PaymentMethodMapping.objects.filter(account=account).values_list(
        "settlement_method_code", "payment_method_id"
    )
    return dict(rows)
