"""Inventory push benchmark: N mappings, M changed — wall time, local work, RMS calls, queries, memory.

    .venv/bin/python bench/bench_inventory.py                       # 50,000 mappings, 10,000 changed
    .venv/bin/python bench/bench_inventory.py --mappings 100000 --changed 20000
    .venv/bin/python bench/bench_inventory.py --memory-sweep 10000,50000,100000

The sandbox runs in its own process, with rate limits off: "local work" is the wall time minus the time
spent waiting on RMS (the sum of the ApiCall durations the client measured), i.e. what this process
and its database did. Against real RMS the 1 request/s limit adds about one second per call.
"""

from __future__ import annotations

import argparse
import time
import tracemalloc
from contextlib import contextmanager

from bench_inventory_support import SandboxProcess, build_shop, change_stock, configure


@contextmanager
def counted_queries():
    """Counts queries without keeping their SQL (CaptureQueriesContext would distort the memory figure)."""
    from django.db import connection

    counter = {"n": 0}

    def wrapper(execute, sql, params, many, context):
        counter["n"] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield counter


def measure(account, label: str, *, memory: bool = False, **options) -> dict:
    from django.db.models import Sum

    from rakuten_link.models import ApiCall
    from rakuten_link.sync.jobs import run_account_job

    if memory:
        tracemalloc.start()
    started = time.perf_counter()
    with counted_queries() as queries:
        run = run_account_job(account, "inventory", **options)
    wall = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] if memory else None
    if memory:
        tracemalloc.stop()
    calls = ApiCall.objects.filter(sync_run=run)
    rms_ms = calls.aggregate(total=Sum("duration_ms"))["total"] or 0
    assert run.status == "success", run.error
    return {"label": label, "wall_s": wall, "rms_s": rms_ms / 1000, "local_s": wall - rms_ms / 1000,
            "calls": calls.count(), "queries": queries["n"], "peak_mib": peak / 2**20 if peak else None,
            "counts": run.counts}


def queue_pending(account, sku_ids) -> None:
    """What the stock_changed receiver does for each movement, for every changed SKU at once."""
    from rakuten_link.sync.inventory.pending import add_pending

    add_pending((account.pk, sku) for sku in sku_ids)


def scenario(mappings: int, changed: int, *, memory: bool = False) -> list[dict]:
    from django.conf import settings

    sandbox = SandboxProcess()
    settings.RMS_API_BASE_URL = sandbox.url
    try:
        started = time.perf_counter()
        account, stores, sku_ids = build_shop(mappings)
        print(f"  set-up: {mappings:,} mappings in {time.perf_counter() - started:.1f} s", flush=True)
        results = [measure(account, f"full push of {mappings:,}", full=True)]
        change_stock(stores[0], sku_ids, changed, seed=2)
        results.append(measure(account, f"scheduled: {changed:,} changed", memory=memory))
        queue_pending(account, change_stock(stores[1], sku_ids, changed, seed=3))
        results.append(measure(account, f"event: {changed:,} pending", memory=memory, pending_only=True))
        results.append(measure(account, "nothing changed", memory=memory))
        results.append(measure(account, f"drift check of {mappings:,}", check=True))
        return results
    finally:
        sandbox.stop()


def print_table(results: list[dict]) -> None:
    print(f"  {'run':32} {'wall s':>7} {'RMS s':>7} {'local s':>8} {'calls':>6} {'queries':>8} {'peak MiB':>9}")
    for r in results:
        peak = f"{r['peak_mib']:.1f}" if r["peak_mib"] is not None else "-"
        print(f"  {r['label']:32} {r['wall_s']:7.2f} {r['rms_s']:7.2f} {r['local_s']:8.2f} {r['calls']:6d} "
              f"{r['queries']:8d} {peak:>9}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mappings", type=int, default=50_000)
    parser.add_argument("--changed", type=int, default=10_000)
    parser.add_argument("--memory-sweep", default="", help="comma-separated mapping counts; changed = 20 %%")
    args = parser.parse_args()
    configure()
    if args.memory_sweep:
        for count in (int(n) for n in args.memory_sweep.split(",")):
            from django.core.management import call_command

            call_command("flush", interactive=False, verbosity=0)
            print(f"{count:,} mappings, {count // 5:,} changed (tracemalloc on):")
            print_table(scenario(count, count // 5, memory=True))
        return
    print(f"{args.mappings:,} mappings, {args.changed:,} changed; minimum calls: {-(-args.changed // 400)}")
    print_table(scenario(args.mappings, args.changed))


if __name__ == "__main__":
    main()
