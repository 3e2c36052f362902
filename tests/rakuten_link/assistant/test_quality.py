"""The engine on a seeded catalogue with a known truth (bench/bench_matching.py at a small size)."""

from __future__ import annotations

from rakuten_link.assistant.engine import HIGH, propose
from tests.support.catalogue_truth import seeded_catalogue


def test_high_confidence_is_precise_and_matchable_variants_are_found():
    seeded = seeded_catalogue(n_skus=3000, n_variants=3000, seed=3)
    proposals = propose(seeded.variants, seeded.skus)
    high = [p for p in proposals if p.clean and p.confidence == HIGH]
    right = [p for p in high if seeded.truth[p.variant] == p.sku]
    assert len(right) / len(high) >= 0.995
    matchable = {v for v, sku in seeded.truth.items() if sku is not None}
    found = {p.variant for p in proposals if p.clean and seeded.truth[p.variant] == p.sku}
    assert len(found) / len(matchable) >= 0.95


def test_a_sku_listed_twice_is_never_clean_and_strangers_get_no_high_proposal():
    seeded = seeded_catalogue(n_skus=3000, n_variants=3000, seed=4)
    proposals = propose(seeded.variants, seeded.skus)
    twice = {v for v, kind in seeded.kind.items() if kind == "twice"}
    assert twice
    assert not [p for p in proposals if p.clean and p.variant in twice]
    strangers = {v for v, sku in seeded.truth.items() if sku is None}
    assert not [p for p in proposals if p.confidence == HIGH and p.variant in strangers]
