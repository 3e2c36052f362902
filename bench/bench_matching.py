"""Proposals for a seeded catalogue: time, peak memory, and precision / recall per confidence.

    .venv/bin/python bench/bench_matching.py                       # 20,000 variants × 20,000 SKUs
    .venv/bin/python bench/bench_matching.py --variants 5000 --skus 5000 --seed 7

The catalogue and its truth come from tests/support/catalogue_truth.py (no database: the engine works on
plain records, so this measures the matching itself; reading the records from the database is linear and
measured by the command's tests). "seconds" is the engine's wall time (index built and every variant
decided), best of --repeat runs; "peak_mib" is tracemalloc's peak of the Python heap during one more run.
Precision of a level = its clean proposals (no conflict) naming the right SKU / its clean proposals.
Recall = matchable variants (a SKU of ours is that variant) given the right SKU as a clean proposal at any
level; "recall_high" counts high-confidence proposals only. Targets: seconds ≤ 10, precision of high
≥ 99.5 %, recall ≥ 95 %. The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import tracemalloc
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rakuten_link.assistant.engine import propose  # noqa: E402
from tests.support.catalogue_truth import seeded_catalogue  # noqa: E402


def measure(n_variants: int, n_skus: int, seed: int, repeat: int = 1) -> dict:
    seeded = seeded_catalogue(n_skus=n_skus, n_variants=n_variants, seed=seed)
    best = None
    for _ in range(repeat):
        started = time.perf_counter()
        proposals = propose(seeded.variants, seeded.skus)
        elapsed = time.perf_counter() - started
        best = elapsed if best is None else min(best, elapsed)
    tracemalloc.start()
    propose(seeded.variants, seeded.skus)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {"variants": n_variants, "skus": len(seeded.skus), "seconds": round(best or 0, 3),
            "peak_mib": round(peak / 2**20, 1), **quality(proposals, seeded.truth, seeded.kind)}


def quality(proposals, truth: dict, kind: dict) -> dict:
    clean = Counter(p.confidence for p in proposals if p.clean)
    right = Counter(p.confidence for p in proposals if p.clean and truth.get(p.variant) == p.sku)
    conflicts = Counter(p.conflict for p in proposals if p.conflict)
    matchable = {v for v, sku in truth.items() if sku is not None}
    found = {p.variant for p in proposals if p.clean and truth.get(p.variant) == p.sku}
    found_high = {p.variant for p in proposals if p.clean and p.confidence == "high" and truth.get(p.variant) == p.sku}
    by_kind = Counter(kind[v] for v in matchable)
    missed = Counter(kind[v] for v in matchable - found)
    return {
        "proposals": dict(clean), "conflicts": dict(conflicts),
        "precision": {level: round(right[level] / n, 4) for level, n in clean.items()},
        "recall": round(len(found) / len(matchable), 4) if matchable else None,
        "recall_high": round(len(found_high) / len(matchable), 4) if matchable else None,
        "matchable": len(matchable), "missed_by_kind": {k: f"{missed[k]}/{n}" for k, n in by_kind.items()},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--variants", type=int, default=20_000)
    parser.add_argument("--skus", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(json.dumps(measure(args.variants, args.skus, args.seed, args.repeat), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
