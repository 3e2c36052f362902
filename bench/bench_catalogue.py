"""Catalogue pull benchmark: the sandbox's `catalogue` seed (20,000 variants) pulled by the `catalogue` job.

    .venv/bin/python bench/bench_catalogue.py

Three pulls against a sandbox process seeded with `--seed catalogue`:

1. *first pull* (every row inserted) and 2. *re-pull* (nothing changed), both at RMS's pace (the production
   client limits: items 5 req/s, inventory bulk-get 5 req/s): calls against the minimum, wall time, time
   waiting on RMS (the sum of the ApiCall durations) and local CPU time (this process and its SQLite
   database) against wall time, the share the issue caps at 10 %;
3. *memory*: a re-pull under tracemalloc, client limits off (peak of the Python heap; it slows the run).

The minimum is ceil(items / 100) items.search + ceil(stale items / 50) items.bulk-get (none: the seed's
items were last updated 60 days ago) + ceil(SKU-era variants / 1000) inventories bulk-get.
"""

from __future__ import annotations

import json
import math
import time
import tracemalloc

from bench_inventory_support import LICENSE, SECRET, SandboxProcess, configure

PACE = {"order": 1.0, "inventory_write": 1.0, "inventory_read": 5.0, "items": 5.0, "license": 1.0}


def minimum_calls() -> dict[str, int]:
    from rakuten_link.sandbox.state.big_catalogue import build_catalogue

    catalogue = build_catalogue()
    sku_era = sum(1 for kind in catalogue.kinds.values() if kind != "pre_sku")
    return {"itemapi_2.0.items.search": math.ceil(len(catalogue.items) / 100), "itemapi_2.0.items.bulk.get": 0,
            "inventoryapi_2.0.bulk.get": math.ceil(sku_era / 1000)}


def pull(account, label: str, *, memory: bool = False) -> dict:
    from django.db.models import Count, Sum

    from rakuten_link.models import ApiCall
    from rakuten_link.sync.jobs import run_account_job

    if memory:
        tracemalloc.start()
    wall0, cpu0 = time.perf_counter(), time.process_time()
    run = run_account_job(account, "catalogue")
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    peak = tracemalloc.get_traced_memory()[1] if memory else None
    if memory:
        tracemalloc.stop()
    assert run.status == "success", run.error
    calls = ApiCall.objects.filter(sync_run=run)
    by_function = dict(calls.values("function").annotate(n=Count("id")).values_list("function", "n"))
    rms_s = (calls.aggregate(total=Sum("duration_ms"))["total"] or 0) / 1000
    return {"label": label, "wall_s": round(wall, 2), "rms_s": round(rms_s, 2), "local_cpu_s": round(cpu, 2),
            "local_share": round(cpu / wall, 3), "calls": by_function,
            "peak_mib": round(peak / 2**20, 1) if peak else None, "variants": run.counts.get("variants")}


def main() -> None:
    configure()
    from django.conf import settings

    from accounts.models import EcAccount

    sandbox = SandboxProcess(seed="catalogue")
    try:
        account = EcAccount.objects.create(name="bench", shop_url="https://www.rakuten.co.jp/bench/",
                                           service_secret=SECRET, license_key=LICENSE)
        settings.RMS_API_BASE_URL = sandbox.url
        minimum = minimum_calls()
        settings.RMS_RATE_LIMITS = dict(PACE)
        first = pull(account, "first pull at RMS's pace")
        paced = pull(account, "re-pull at RMS's pace")
        settings.RMS_RATE_LIMITS = {family: 0.0 for family in PACE}
        memory = pull(account, "again under tracemalloc", memory=True)
    finally:
        sandbox.stop()
    for row in (first, paced, memory):
        print(f"{row['label']:32} wall {row['wall_s']:6.2f} s  RMS {row['rms_s']:6.2f} s  "
              f"local CPU {row['local_cpu_s']:6.2f} s ({row['local_share']:.0%})  calls {sum(row['calls'].values())}"
              + (f"  peak {row['peak_mib']} MiB" if row["peak_mib"] else ""))
    print(json.dumps({"bench": "catalogue_pull", "variants": first["variants"], "minimum_calls": minimum,
                      "calls": first["calls"], "calls_at_minimum": first["calls"] == {
                          k: v for k, v in minimum.items() if v},
                      "first_pull": first, "re_pull": paced, "peak_mib": memory["peak_mib"]}, ensure_ascii=False))


if __name__ == "__main__":
    main()
