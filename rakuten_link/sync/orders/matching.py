"""Which of our SKUs an order line is, and which of our payment methods an order's settlement method is.

SKU-era lines match a ProductMapping on (manageNumber, variantId). Pre-SKU lines (empty SkuModelList)
carry only choices in selectedChoice (``項目名:選択肢`` lines) and match on them: against the 横軸/縦軸
names of legacy mappings, and against the choices of each mapping's variant as last verified
(``ProductMapping.variant_choices``), so a product mapped by variantId still gets its old orders.
manageNumber is case-folded to lower case by RMS (docs/rms.md), variantId is case-sensitive.
"""

from __future__ import annotations

import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from accounts.models import EcAccount
from rakuten_link.models import PaymentMethodMapping, ProductMapping

# How well a candidate fits a line: its names and values all appear, or only its values do.
BY_NAME, BY_VALUE = 2, 1


@dataclass(frozen=True)
class Choices:
    """The choices of an order line, normalised: (name, value) pairs and the values alone."""

    pairs: frozenset[tuple[str, str]]
    values: Counter

    @classmethod
    def parse(cls, *texts: str) -> Choices:
        """``項目名:選択肢`` lines (ASCII or full-width colon); lines without a value are skipped."""
        pairs = []
        for text in texts:
            for line in (text or "").replace("：", ":").splitlines():
                name, colon, value = line.partition(":")
                if colon and _norm(value):
                    pairs.append((_norm(name), _norm(value)))
        return cls(frozenset(pairs), Counter(value for _name, value in pairs))


@dataclass(frozen=True)
class Candidate:
    """What a mapping needs to find in a line: choice values (legacy), or name/value pairs (verified)."""

    sku_id: int
    values: Counter
    pairs: frozenset[tuple[str, str]] | None = None  # None: a legacy mapping, names unknown

    @property
    def needs_nothing(self) -> bool:
        return not self.values

    def fit(self, line: Choices) -> tuple[int, int] | None:
        """(how, how many choices) when every choice of this mapping is in the line, else None."""
        if self.needs_nothing:
            return None
        if self.pairs is not None and self.pairs <= line.pairs:
            return BY_NAME, len(self.pairs)
        if all(line.values[value] >= count for value, count in self.values.items()):
            return BY_VALUE, self.values.total()
        return None


class LineMatcher:
    """Mappings for the manage numbers of one batch, read in one query."""

    def __init__(self, rows: Iterable[tuple[str, str, str, str, dict | None, int]]) -> None:
        self._by_variant: dict[tuple[str, str], int] = {}
        self._legacy: dict[str, list[Candidate]] = defaultdict(list)
        self._verified: dict[str, list[Candidate]] = defaultdict(list)
        for manage_number, variant_id, h_choice, v_choice, choices, sku_id in rows:
            key = manage_number.lower()
            if variant_id:
                self._by_variant[(key, variant_id)] = sku_id
            else:
                names = [_norm(c) for c in (h_choice, v_choice) if _norm(c)]
                self._legacy[key].append(Candidate(sku_id, Counter(names)))
            if isinstance(choices, Mapping):
                self._verified[key].append(_verified_candidate(choices, sku_id))

    @classmethod
    def load(cls, account: EcAccount, manage_numbers: Iterable[str]) -> LineMatcher:
        wanted = {mn for mn in manage_numbers if mn} | {mn.lower() for mn in manage_numbers if mn}
        if not wanted:
            return cls([])
        rows = ProductMapping.objects.filter(account=account, manage_number__in=wanted).values_list(
            "manage_number", "variant_id", "legacy_h_choice", "legacy_v_choice", "variant_choices", "sku_id"
        )
        return cls(rows)

    def match(self, manage_number: str, variant_id: str, selected_choice: str = "", sku_info: str = "") -> int | None:
        """The SKU id, or None (the line is then kept and flagged 要確認)."""
        key = manage_number.lower()
        if variant_id:
            found = self._by_variant.get((key, variant_id))
            if found is not None:
                return found
        candidates = list(self._legacy.get(key) or ())
        if not variant_id:
            # Only a line without a variantId may be any verified variant: one that names its variant
            # (unmapped, or added since) must not be taken for another variant with the same choices.
            candidates += self._verified.get(key) or ()
        # Pre-SKU lines always, and SKU-era lines of a product still mapped by its legacy choices.
        return best_fit(candidates, Choices.parse(selected_choice, sku_info))


def best_fit(candidates: list[Candidate], line: Choices) -> int | None:
    """The SKU of the candidates fitting the line best; None when none fits or the best ones disagree."""
    if len(candidates) == 1 and candidates[0].needs_nothing:
        return candidates[0].sku_id  # a single-SKU product: no choices to compare
    fits = [(fit, candidate.sku_id) for candidate in candidates if (fit := candidate.fit(line)) is not None]
    if not fits:
        return None
    best = max(fit for fit, _sku in fits)
    skus = {sku for fit, sku in fits if fit == best}
    return skus.pop() if len(skus) == 1 else None  # ambiguous choices match nothing


def _verified_candidate(choices: Mapping, sku_id: int) -> Candidate:
    pairs = frozenset((_norm(str(name)), _norm(str(value))) for name, value in choices.items() if _norm(str(value)))
    return Candidate(sku_id, Counter(value for _name, value in pairs), pairs)


def _norm(value: str) -> str:
    """Full-width and half-width spellings (Ｍ / M) are the same choice to staff and buyers."""
    return unicodedata.normalize("NFKC", value or "").strip()


def payment_methods(account: EcAccount) -> dict[int, int]:
    """settlementMethodCode → our PaymentMethod id, for one account."""
    rows = PaymentMethodMapping.objects.filter(account=account).values_list(
        "settlement_method_code", "payment_method_id"
    )
    return dict(rows)
