"""The matching engine: Rakuten variants against our SKUs, by reason and confidence (docs/matching.md).

Pure Python over plain records, so the command, the admin page, the tests and the benchmark run the same
code. Our SKUs are indexed once by every key a variant may be looked up by (code, normalised code, JAN,
product code + choice values, product name); each variant then costs a few dictionary look-ups, so
20,000 variants against 20,000 SKUs is linear work, never a comparison of all pairs.

Levels are tried strongest first and the first level that finds anything decides (a level that finds several
SKUs may be settled by a lower one that picks one of them, at the lower confidence):

- high: merchantDefinedSkuId = SKU code (exact, else after normalisation), equal JAN, 商品番号 + choice
  values = our product code + option values, 商品番号 + 子番号 (the variantId) = SKU code;
- medium: the variantId alone = a SKU code after normalisation;
- low: our product name within the item's title and the same choice values. A name is never high.

One to one: a variant that fits several SKUs at its level, or a SKU that the same level gives to several
variants, is a conflict. Conflicts are proposed (staff pick), never accepted in bulk.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rakuten_link.assistant.normalise import code_key, jan_key, name_key, values_signature

HIGH, MEDIUM, LOW = "high", "medium", "low"
RANK = {HIGH: 3, MEDIUM: 2, LOW: 1}
EXACT_CODE, NORMALISED_CODE, JAN = "exact_code", "normalised_code", "jan"
ITEM_OPTIONS, ITEM_CHILD, VARIANT_CODE, NAME_OPTIONS = "item_options", "item_child", "variant_code", "name_options"
# Conflicts: the variant fits several SKUs; several variants claim the SKU at the same level; a stronger
# proposal already claims it; the SKU is already mapped to another Rakuten SKU of the account.
AMBIGUOUS, SHARED, TAKEN, MAPPED = "ambiguous", "shared", "taken", "mapped"
MAX_CANDIDATES = 5
MIN_NAME_CHARS = 4  # shorter names (「T」「バッグ」) are found in too many titles to mean anything
GRAM = 3


@dataclass(frozen=True, slots=True)
class VariantRecord:
    """One Rakuten variant as the engine needs it; ``key`` is the caller's id for it."""

    key: int
    manage_number: str
    variant_id: str = ""
    item_number: str = ""
    merchant_sku: str = ""
    jan: str = ""
    title: str = ""
    values: tuple[str, ...] = ()
    pre_sku: bool = False  # a 横軸/縦軸 choice: its variantId is ours, not the shop's


@dataclass(frozen=True, slots=True)
class SkuRecord:
    """One SKU of ours; ``key`` is the caller's id for it."""

    key: int
    code: str
    product_code: str = ""
    product_name: str = ""
    jan: str = ""
    values: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Proposal:
    variant: int
    sku: int
    confidence: str
    reason: str
    conflict: str = ""

    @property
    def clean(self) -> bool:
        return not self.conflict


class SkuIndex:
    """Our SKUs by every key a variant is looked up by, built once per run."""

    def __init__(self, skus: Iterable[SkuRecord]) -> None:
        self.exact: dict[str, list[int]] = defaultdict(list)
        self.code: dict[str, list[int]] = defaultdict(list)
        self.jan: dict[str, list[int]] = defaultdict(list)
        self.product: dict[str, dict[tuple, list[int]]] = defaultdict(lambda: defaultdict(list))
        self.sizes: Counter = Counter()
        names: dict[str, str] = {}
        for sku in skus:
            self.exact[sku.code].append(sku.key)
            if key := code_key(sku.code):
                self.code[key].append(sku.key)
            if jan := jan_key(sku.jan):
                self.jan[jan].append(sku.key)
            if product := code_key(sku.product_code):
                self.product[product][values_signature(sku.values)].append(sku.key)
                self.sizes[product] += 1
                if len(name := name_key(sku.product_name)) >= MIN_NAME_CHARS:
                    names[product] = name
        self.names = names
        self.by_gram = _gram_index(names)

    def by_product(self, product: str, values: tuple[str, ...]) -> list[int]:
        """A product's SKU with these choice values; a single-SKU product for a variant without any."""
        signatures = self.product.get(product)
        if not signatures:
            return []
        found = signatures.get(values_signature(values))
        if found:
            return found
        if not values and self.sizes[product] == 1:
            return next(iter(signatures.values()))
        return []

    def products_named_in(self, title: str) -> list[str]:
        """Products whose whole name is in the title, the longest names only (the most specific)."""
        text = name_key(title)
        hits = {product for i in range(len(text) - GRAM + 1) for product in self.by_gram.get(text[i:i + GRAM], ())}
        hits = {product for product in hits if contains_whole(text, self.names[product])}
        if not hits:
            return []
        longest = max(len(self.names[p]) for p in hits)
        return sorted(p for p in hits if len(self.names[p]) == longest)


def contains_whole(text: str, name: str) -> bool:
    """``name`` in ``text`` without cutting a number or a latin word: 「シャツ1」 is not in 「シャツ1234」."""
    start = text.find(name)
    while start >= 0:
        before = text[start - 1] if start else ""
        end = start + len(name)
        after = text[end] if end < len(text) else ""
        if not (_joined(before, name[0]) or _joined(name[-1], after)):
            return True
        start = text.find(name, start + 1)
    return False


def _joined(left: str, right: str) -> bool:
    """Two characters that would be one number or one latin word."""
    if not left or not right:
        return False
    return (left.isdigit() and right.isdigit()) or (left.isascii() and left.isalpha() and right.isascii()
                                                    and right.isalpha())


def _gram_index(names: dict[str, str]) -> dict[str, list[str]]:
    """Each name under its rarest 3-character piece: a title then meets only the names that can be in it."""
    counts = Counter(gram for name in names.values() for gram in {name[i:i + GRAM] for i in range(len(name) - 2)})
    index: dict[str, list[str]] = defaultdict(list)
    for product, name in names.items():
        grams = {name[i:i + GRAM] for i in range(len(name) - GRAM + 1)}
        index[min(grams, key=lambda g: (counts[g], g))].append(product)
    return index


def _code(index: SkuIndex, v: VariantRecord) -> tuple[str, list[int]]:
    if not v.merchant_sku:
        return EXACT_CODE, []
    exact = index.exact.get(v.merchant_sku)
    return (EXACT_CODE, exact) if exact else (NORMALISED_CODE, index.code.get(code_key(v.merchant_sku), []))


def _jan(index: SkuIndex, v: VariantRecord) -> tuple[str, list[int]]:
    return JAN, index.jan.get(jan_key(v.jan), []) if v.jan else []


def _item_options(index: SkuIndex, v: VariantRecord) -> tuple[str, list[int]]:
    found: list[int] = []
    for number in {code_key(v.item_number), code_key(v.manage_number)} - {""}:
        found += index.by_product(number, v.values)
    return ITEM_OPTIONS, found


def _item_child(index: SkuIndex, v: VariantRecord) -> tuple[str, list[int]]:
    child = code_key(v.variant_id)
    if v.pre_sku or not child:
        return ITEM_CHILD, []
    found: list[int] = []
    for number in {code_key(v.item_number), code_key(v.manage_number)} - {""}:
        found += index.code.get(number + child, [])
    return ITEM_CHILD, found


def _variant_code(index: SkuIndex, v: VariantRecord) -> tuple[str, list[int]]:
    if v.pre_sku or not v.variant_id:
        return VARIANT_CODE, []
    return VARIANT_CODE, index.code.get(code_key(v.variant_id), [])


def _name_options(index: SkuIndex, v: VariantRecord) -> tuple[str, list[int]]:
    found: list[int] = []
    for product in index.products_named_in(v.title):
        found += index.by_product(product, v.values)
    return NAME_OPTIONS, found


LEVELS = (
    (HIGH, (_code, _jan, _item_options, _item_child)),
    (MEDIUM, (_variant_code,)),
    (LOW, (_name_options,)),
)


def decide(index: SkuIndex, v: VariantRecord, rejected: frozenset[int] = frozenset()) -> tuple[str, str, list[int]]:
    """(confidence, reason, SKU keys) of the first level that finds anything; one key = no doubt.

    Within a level, a reason that finds exactly one SKU is decisive; decisive reasons that disagree make
    the variant ambiguous. Without a decisive reason the SKUs all reasons agree on are taken. An ambiguous
    level may be settled by a lower one that picks one of its SKUs, at the lower level's confidence.
    """
    ambiguous: tuple[str, str, list[int]] | None = None
    for confidence, finders in LEVELS:
        found = []
        for finder in finders:
            reason, keys = finder(index, v)
            keys = sorted(set(keys) - rejected)
            if keys:
                found.append((reason, keys))
        if not found:
            continue
        outcome = _settle(confidence, found)
        if ambiguous is None and len(outcome[2]) == 1:
            return outcome
        if ambiguous is None:
            ambiguous = outcome
        elif len(outcome[2]) == 1 and outcome[2][0] in ambiguous[2]:
            return outcome
    if ambiguous is None:
        return "", "", []
    return ambiguous[0], ambiguous[1], ambiguous[2][:MAX_CANDIDATES]


def _settle(confidence: str, found: list[tuple[str, list[int]]]) -> tuple[str, str, list[int]]:
    decisive = {keys[0] for _reason, keys in found if len(keys) == 1}
    if len(decisive) == 1:
        sku = decisive.pop()
        return confidence, next(reason for reason, keys in found if sku in keys), [sku]
    if decisive:
        return confidence, found[0][0], sorted(decisive)
    common = set.intersection(*(set(keys) for _reason, keys in found))
    if len(common) == 1:
        return confidence, found[0][0], sorted(common)
    return confidence, found[0][0], sorted({key for _reason, keys in found for key in keys})


def propose(variants: Iterable[VariantRecord], skus: Iterable[SkuRecord] | SkuIndex, *,
            rejected: Iterable[tuple[int, int]] = (), mapped: Iterable[int] = ()) -> list[Proposal]:
    """Every proposal for the variants (already-mapped variants are the caller's to leave out).

    ``rejected`` holds (variant, SKU) pairs staff turned down: never proposed again. ``mapped`` holds the
    SKUs already mapped to another Rakuten SKU of the account: proposed, but as a conflict.
    """
    index = skus if isinstance(skus, SkuIndex) else SkuIndex(skus)
    turned_down: dict[int, set[int]] = defaultdict(set)
    for variant, sku in rejected:
        turned_down[variant].add(sku)
    decisions = []
    for v in variants:
        confidence, reason, keys = decide(index, v, frozenset(turned_down.get(v.key, ())))
        if keys:
            decisions.append((v.key, confidence, reason, keys))
    return _one_to_one(decisions, set(mapped))


def _one_to_one(decisions: list, mapped: set[int]) -> list[Proposal]:
    """Mark conflicts: several SKUs for a variant, several variants for a SKU, a SKU already mapped."""
    claims: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for variant, confidence, _reason, keys in decisions:
        if len(keys) == 1:
            claims[keys[0]].append((RANK[confidence], variant))
    verdict: dict[tuple[int, int], str] = {}
    for sku, claimants in claims.items():
        top = max(rank for rank, _variant in claimants)
        strongest = [variant for rank, variant in claimants if rank == top]
        for rank, variant in claimants:
            if rank < top:
                verdict[(variant, sku)] = TAKEN
            elif len(strongest) > 1:
                verdict[(variant, sku)] = SHARED
    proposals = []
    for variant, confidence, reason, keys in decisions:
        for sku in keys:
            conflict = MAPPED if sku in mapped else AMBIGUOUS if len(keys) > 1 else verdict.get((variant, sku), "")
            proposals.append(Proposal(variant, sku, confidence, reason, conflict))
    return proposals
