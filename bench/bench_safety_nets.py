"""Safety nets at size: what the scheduled jobs cost when there is nothing (or little) to do.

    .venv/bin/python bench/bench_safety_nets.py                         # 10,000 / 50,000 / 200,000 mappings
    .venv/bin/python bench/bench_safety_nets.py --sizes 10000 --changed 100

Per size, on a fresh SQLite file (WAL) with the sandbox in its own process and rate limits off: one account
over two stores, N SKUs each mapped once with stock in both stores, all verified and pushed, every row last
written a day ago (a quiet shop). Then, each run through the job runner as the scheduler starts it:

- *minute push, nothing changed*: the every-minute inventory run (sync/inventory/changes.py);
- *hourly compare-all*: ``compare_all=True``, every mapping compared — what the minute run did before;
- *minute push, K changed*: K SKUs' stock moved through the ledger (so their rows carry the time), pushed;
- *verify, nothing due*: the every-5-minutes mapping verification when every mapping was checked recently.

Time: the median of ``--repeat`` runs (local = wall − time inside RMS calls); peak memory: tracemalloc's
peak of the Python heap during one more run (tracemalloc slows the run, so it is not timed). The last line
printed is one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
import tracemalloc
from datetime import timedelta

from bench_inventory_support import SandboxProcess, build_shop, configure


def _run(account, kind: str, **options) -> dict:
    from django.db import connection
    from django.db.models import Sum

    from rakuten_link.models import ApiCall
    from rakuten_link.sync.jobs import run_account_job

    queries = [0]

    def count(execute, sql, params, many, context):
        queries[0] += 1
        return execute(sql, params, many, context)

    started = time.perf_counter()
    with connection.execute_wrapper(count):
        run = run_account_job(account, kind, **options)
    wall = time.perf_counter() - started
    assert run.status == "success", run.error
    calls = ApiCall.objects.filter(sync_run=run)
    rms = (calls.aggregate(t=Sum("duration_ms"))["t"] or 0) / 1000
    return {"local_s": wall - rms, "wall_s": wall, "calls": calls.count(), "queries": queries[0],
            "counts": run.counts}


def measure(account, kind: str, repeat: int, prepare=None, **options) -> dict:
    """Median of ``repeat`` timed runs, then one run under tracemalloc for the peak."""
    runs = []
    for _ in range(repeat):
        if prepare:
            prepare()
        runs.append(_run(account, kind, **options))
    if prepare:
        prepare()
    tracemalloc.start()
    _run(account, kind, **options)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    last = runs[-1]
    return {"local_s": round(statistics.median(r["local_s"] for r in runs), 4),
            "local_s_all": [round(r["local_s"], 4) for r in runs], "calls": last["calls"],
            "queries": last["queries"], "considered": last["counts"].get("considered", last["counts"].get("checked")),
            "peak_mib": round(peak / 2**20, 2)}


def quiet(account) -> None:
    """Every row last written a day ago and every mapping checked an hour ago (set-up only, bypassing the ledger)."""
    from django.utils import timezone

    from accounts.models import EcAccount
    from inventory.models import StockLevel
    from rakuten_link.models import ProductMapping

    day_ago = timezone.now() - timedelta(days=1)
    StockLevel.objects.update(updated_at=day_ago)
    ProductMapping.objects.update(updated_at=day_ago, checked_at=timezone.now() - timedelta(hours=1))
    EcAccount.objects.filter(pk=account.pk).update(updated_at=day_ago)
    account.refresh_from_db()


def move_stock(store, sku_ids: list[int], changed: int, round_: list[int]) -> None:
    """``changed`` SKUs sold one unit (or received one back) through the ledger, as a shop's sales do."""
    from inventory.models import Sku
    from inventory.services import MovementSpec, apply_stock_movements

    round_[0] += 1
    chosen = sku_ids[round_[0] * changed:(round_[0] + 1) * changed]
    skus = Sku.objects.in_bulk(chosen)
    apply_stock_movements([MovementSpec(store, skus[pk], "receipt", 1) for pk in chosen], returning=False)


def scenario(size: int, changed: int, repeat: int) -> dict:
    from django.conf import settings
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0)
    sandbox = SandboxProcess()
    settings.RMS_API_BASE_URL = sandbox.url
    try:
        started = time.perf_counter()
        account, stores, sku_ids = build_shop(size)
        quiet(account)  # build_shop stored every mapping as pushed already
        _run(account, "inventory", compare_all=True)  # the hourly run: the minute runs start from here
        print(f"  set-up: {size:,} mappings in {time.perf_counter() - started:.1f} s", flush=True)
        figures = {
            "minute_nothing_changed": measure(account, "inventory", repeat),
            "hourly_compare_all": measure(account, "inventory", repeat, compare_all=True),
        }
        rounds = [0]
        figures[f"minute_{changed}_changed"] = measure(
            account, "inventory", repeat, prepare=lambda: move_stock(stores[0], sku_ids, changed, rounds))
        figures["verify_nothing_due"] = measure(account, "mappings", repeat)
        return figures
    finally:
        sandbox.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,50000,200000")
    parser.add_argument("--changed", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    configure()
    results = {}
    for size in (int(n) for n in args.sizes.split(",")):
        print(f"{size:,} mappings:", flush=True)
        results[str(size)] = figures = scenario(size, args.changed, args.repeat)
        for name, row in figures.items():
            print(f"  {name:28} local {row['local_s']:7.3f} s  calls {row['calls']:4d}  queries {row['queries']:5d}"
                  f"  considered {row['considered']!s:>7}  peak {row['peak_mib']:6.2f} MiB", flush=True)
    print(json.dumps({"benchmark": "safety_nets", "changed": args.changed, "repeat": args.repeat,
                      "sizes": results}, ensure_ascii=False))


if __name__ == "__main__":
    main()
