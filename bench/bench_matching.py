"""Proposals for a seeded catalogue: time, peak memory, and precision / recall per confidence.

    .venv/bin/python bench/bench_matching.py                       # 20,000 variants × 20,000 SKUs
    .venv/bin/python bench/bench_matching.py --variants 5000 --skus 5000 --seed 7
    .venv/bin/python bench/bench_matching.py --source sandbox           # the sandbox's `catalogue` seed

The catalogue and its truth come from tests/support/catalogue_truth.py, or with ``--source sandbox`` from the
sandbox's seed (rakuten_link/sandbox/state/big_catalogue.py: the items RMS would return, read into records
the way the catalogue job stores them, and the SKUs of ours it seeds; --skus is then ignored).
No database: the engine works on plain records, so this measures the matching itself. "seconds" is the
engine's wall time (index built and every variant decided), best of --repeat runs; "peak_mib" is
tracemalloc's peak of the Python heap during one more run.
Precision of a level = its clean proposals (no conflict) naming the right SKU / its clean proposals.
Recall = matchable variants (a SKU of ours is that variant) given the right SKU as a clean proposal at any
level; "recall_high" counts high-confidence proposals only. Targets: seconds ≤ 10, precision of high
≥ 99.5 %, recall ≥ 95 %.

``--db`` adds what `manage.py match_catalogue` costs on a throwaway SQLite database (bench_inventory_support):
the same catalogue stored as CatalogueItem / CatalogueVariant rows and our Product / Sku rows, then
"db_match_seconds" (records read, engine, proposals replaced), its peak heap, and "db_accept_seconds" for
accepting every high-confidence proposal (the mappings written, the proposals removed, the audit entry), and
"db_products_seconds" for creating our products from a second shop's catalogue of the same size (codes of its
own) with Rakuten's quantities as a store's opening count.
The last line printed is one JSON object.
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

from rakuten_link.assistant.engine import SkuRecord, VariantRecord, propose  # noqa: E402
from tests.support.catalogue_truth import Seeded, seeded_catalogue  # noqa: E402


def measure(n_variants: int, n_skus: int, seed: int, repeat: int = 1, source: str = "tests") -> dict:
    seeded = sandbox_catalogue(n_variants, seed) if source == "sandbox" else seeded_catalogue(
        n_skus=n_skus, n_variants=n_variants, seed=seed)
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


def sandbox_catalogue(n_variants: int, seed: int) -> Seeded:
    """The sandbox's seeded shop as engine records, its truth keyed like ours (variant key → SKU key)."""
    from rakuten_link.sandbox.state.big_catalogue import build_catalogue

    catalogue = build_catalogue(variants=n_variants, seed=seed)
    out = Seeded()
    sku_keys = {}
    for key, sku in enumerate(catalogue.skus, start=1):
        sku_keys[sku["code"]] = key
        out.skus.append(SkuRecord(key, sku["code"], sku["product_code"], sku["product_name"], sku["jan"],
                                  tuple(sku["options"].values())))
    key = 0
    for item in catalogue.items:
        manage_number = item["manageNumber"]
        names = {s["key"]: s["displayName"] for s in item.get("variantSelectors", [])}
        variants = [(vid, v.get("merchantDefinedSkuId", ""), (v.get("articleNumber") or {}).get("value", ""),
                     tuple(v.get("selectorValues", {}).get(k, "") for k in names), False)
                    for vid, v in item.get("variants", {}).items()]
        legacy = item.get("legacyChoices") or {}
        variants += [(f"{c['h']}×{c['v']}", "", "", tuple(x for x in (c["h"], c["v"]) if x), True)
                     for c in legacy.get("choices", [])]
        for variant_id, merchant_sku, jan, values, pre_sku in variants:
            key += 1
            out.variants.append(VariantRecord(key, manage_number, variant_id, item.get("itemNumber", ""), merchant_sku,
                                              jan, item.get("title", ""), tuple(v for v in values if v), pre_sku))
            code = catalogue.truth[(manage_number, variant_id)]
            out.truth[key] = sku_keys.get(code) if code else None
            out.kind[key] = catalogue.kinds[(manage_number, variant_id)]
    return out


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


def measure_db(seeded: Seeded) -> dict:
    """The command's path on a real database: store the catalogue and SKUs, match, accept all high."""
    sys.path.insert(0, str(ROOT / "bench"))
    from bench_inventory_support import configure

    configure()
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from accounts.models import EcAccount
    from inventory.models import Product, Sku
    from rakuten_link.assistant.accept import accept_pairs, high_pairs
    from rakuten_link.assistant.proposals import refresh_proposals
    from rakuten_link.models import CatalogueItem, CatalogueVariant

    now = timezone.now()
    account = EcAccount.objects.create(name="bench", shop_url="https://www.rakuten.co.jp/bench/",
                                       service_secret="SP000001_x", license_key="SL000001_x")
    products = {code: Product(code=code, name=name) for code, name in
                {(s.product_code, s.product_name) for s in seeded.skus}}
    Product.objects.bulk_create(products.values(), batch_size=2000)
    ids = dict(Product.objects.values_list("code", "pk"))
    Sku.objects.bulk_create([Sku(code=s.code, product_id=ids[s.product_code], name=s.code, jan_code=s.jan,
                                 options={f"o{i}": v for i, v in enumerate(s.values)}) for s in seeded.skus],
                            batch_size=2000)
    items = {v.manage_number: CatalogueItem(account=account, manage_number=v.manage_number, item_number=v.item_number,
                                            title=v.title, pulled_at=now) for v in seeded.variants}
    CatalogueItem.objects.bulk_create(items.values(), batch_size=2000)
    item_ids = dict(CatalogueItem.objects.values_list("manage_number", "pk"))
    CatalogueVariant.objects.bulk_create([
        CatalogueVariant(item_id=item_ids[v.manage_number], account=account, variant_id=v.variant_id,
                         merchant_sku_id=v.merchant_sku, jan=v.jan, pre_sku=v.pre_sku, pulled_at=now,
                         selectors={f"o{i}": value for i, value in enumerate(v.values)}) for v in seeded.variants],
        batch_size=2000)
    started = time.perf_counter()
    counts = refresh_proposals(account)
    matched = time.perf_counter() - started
    tracemalloc.start()
    refresh_proposals(account)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    user = get_user_model().objects.create_user("bench", is_staff=True)
    started = time.perf_counter()
    accepted = accept_pairs(account, high_pairs(account), user=user, how="bench")
    accept_seconds = time.perf_counter() - started
    return {"db_match_seconds": round(matched, 2), "db_match_peak_mib": round(peak / 2**20, 1),
            "db_accept_seconds": round(accept_seconds, 2), "db_high": counts.clean["high"],
            "db_mappings_created": accepted.created, **measure_products(seeded, user)}


def measure_products(seeded: Seeded, user) -> dict:
    """Our products created from a second shop's catalogue (codes of its own), with an opening count."""
    from django.utils import timezone

    from accounts.models import EcAccount
    from inventory.models import Store
    from rakuten_link.assistant.products import import_catalogue_products
    from rakuten_link.models import CatalogueItem, CatalogueVariant

    now = timezone.now()
    account = EcAccount.objects.create(name="bench-new", shop_url="https://www.rakuten.co.jp/bench-new/",
                                       service_secret="SP000002_x", license_key="SL000002_x")
    store = Store.objects.create(code="EC", name="EC")
    items = {v.manage_number: CatalogueItem(account=account, manage_number=f"n{v.manage_number}",
                                            item_number=f"N{v.item_number}", title=v.title, price=1980, pulled_at=now)
             for v in seeded.variants}
    CatalogueItem.objects.bulk_create(items.values(), batch_size=2000)
    ids = dict(CatalogueItem.objects.filter(account=account).values_list("manage_number", "pk"))
    CatalogueVariant.objects.bulk_create([
        CatalogueVariant(item_id=ids[f"n{v.manage_number}"], account=account, variant_id=v.variant_id, quantity=3,
                         merchant_sku_id=f"N{v.key}", selectors={f"o{i}": x for i, x in enumerate(v.values)},
                         pulled_at=now) for v in seeded.variants], batch_size=2000)
    started = time.perf_counter()
    report = import_catalogue_products(account, store=store, user=user)
    return {"db_products_seconds": round(time.perf_counter() - started, 2), "db_skus_created": report.skus_created,
            "db_opening_units": report.opening_units, "db_products_errors": len(report.errors)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--variants", type=int, default=20_000)
    parser.add_argument("--skus", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--source", choices=("tests", "sandbox"), default="tests")
    parser.add_argument("--db", action="store_true", help="also time the command's path on a SQLite database")
    args = parser.parse_args()
    result = measure(args.variants, args.skus, args.seed, args.repeat, args.source)
    if args.db:
        seeded = sandbox_catalogue(args.variants, args.seed) if args.source == "sandbox" else seeded_catalogue(
            n_skus=args.skus, n_variants=args.variants, seed=args.seed)
        result.update(measure_db(seeded))
    print(json.dumps({"source": args.source, **result}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
