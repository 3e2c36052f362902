"""Latency benchmark: stock movement → the sandbox holds the new quantity, through a real Django-Q2 cluster.

    .venv/bin/python bench/bench_inventory_latency.py                 # ORM broker, 50 samples
    REDIS_URL=redis://127.0.0.1:6379/9 .venv/bin/python bench/bench_inventory_latency.py

It loads the demo shop (demo_data) against a sandbox seeded with the demo catalogue, verifies the mappings
and pushes once (the demo flow of issue 5), starts `manage.py qcluster` and `manage.py rakuten_poll`, then
makes one stock movement at a time (``--interval`` seconds apart, default 3: each one after a quiet period)
through inventory.services in this process — exactly as the admin's adjustment does — and polls the sandbox
until it holds the new quantity. No schedule is installed, so only the event-driven path can deliver it. The
last line is one JSON object: p50_s, p95_s, calls (inventory upserts during the samples), broker.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time

from bench_inventory_support import REPO, SandboxProcess, configure


def start_cluster(env: dict) -> list[subprocess.Popen]:
    """`qcluster` and, beside it as in production, `rakuten_poll`, which queues the pushes the pacing held back."""
    commands = [[sys.executable, "manage.py", "qcluster"],
                [sys.executable, "manage.py", "rakuten_poll", "--no-schedules"]]
    return [subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            for command in commands]


def stop_cluster(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        process.terminate()  # qcluster stops its workers on SIGTERM, rakuten_poll after its pass
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def sellable(mapping) -> int:
    from inventory.services import available_by_sku
    from rakuten_link.mappings.rules import effective_safety_stock, sellable_quantity

    stores = list(mapping.account.stores.values_list("pk", flat=True))
    on_hand = available_by_sku(sku_ids=[mapping.sku_id], store_ids=stores).get(mapping.sku_id, 0)
    return sellable_quantity(on_hand, effective_safety_stock(mapping.safety_stock, mapping.account.safety_stock))


def _on_hand(store, sku) -> int:
    from inventory.models import StockLevel

    return StockLevel.objects.filter(store=store, sku=sku).values_list("on_hand", flat=True).first() or 0


def wait_for(sandbox: SandboxProcess, mapping, expected: int, timeout: float = 60) -> float:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if sandbox.quantity(mapping.manage_number, mapping.variant_id) == expected:
            return time.perf_counter()
        time.sleep(0.02)
    raise TimeoutError(f"{mapping} never reached {expected}")


def prepare():
    from django.core.management import call_command

    from rakuten_link.demo import load_demo_data
    from rakuten_link.sync.jobs import run_account_job

    call_command("demo_data", verbosity=0)
    account = load_demo_data()
    for kind in ("mappings", "inventory"):
        run = run_account_job(account, kind)
        print(f"  {kind}: {run.status} {run.summary}", flush=True)
    return account


UPSERT = "inventoryapi_2.0.bulk.upsert"


def upsert_calls() -> int:
    from rakuten_link.models import ApiCall

    return ApiCall.objects.filter(function=UPSERT).count()


def sample(sandbox, account, count: int, interval: float) -> list[float]:
    from inventory.services import apply_stock_movement

    mappings = list(account.product_mappings.filter(status="ok").select_related("sku", "account"))
    store = account.stores.order_by("code").first()
    latencies = []
    for n in range(count):
        mapping = mappings[n % len(mappings)]
        before = sellable(mapping)
        sale = n % 2 == 1 and before > 0 and _on_hand(store, mapping.sku) > 0  # a sale must change what Rakuten sees
        started = time.perf_counter()
        apply_stock_movement(store=store, sku=mapping.sku, kind="pos_sale" if sale else "receipt",
                             quantity=-1 if sale else 1)
        expected = sellable(mapping)
        assert expected != before
        latencies.append(wait_for(sandbox, mapping, expected) - started)
        print(f"  sample {n + 1:2d}: {latencies[-1]:.2f} s", flush=True)
        time.sleep(max(0.0, interval - latencies[-1]))  # the next movement `interval` s after this one
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=50)
    parser.add_argument("--interval", type=float, default=3.0, help="seconds between movements")
    args = parser.parse_args()
    sandbox = SandboxProcess(seed="demo")
    # Production rate limits on this side (docs/rms.md §1.5): what a real push would wait for.
    limits = {"RMS_RATE_INVENTORY_WRITE": "1", "RMS_RATE_INVENTORY_READ": "5", "RMS_RATE_ITEMS": "5"}
    env = configure(RMS_API_BASE_URL=sandbox.url, **limits)
    from django.conf import settings

    broker = "redis" if settings.REDIS_URL else "orm"
    from rakuten_link.sync.inventory.pending import pacing_seconds

    print(f"broker {broker}, debounce {settings.RAKUTEN_PUSH_DEBOUNCE_SECONDS} s, pacing {pacing_seconds():.2f} s, "
          f"push poll {settings.RAKUTEN_PUSH_POLL_SECONDS} s, sandbox {sandbox.url}")
    account = prepare()
    cluster = start_cluster(env)
    try:
        time.sleep(5)  # let the cluster start and run the push queued by the verification
        calls_before = upsert_calls()
        latencies = sample(sandbox, account, args.samples, args.interval)
        time.sleep(1)
        calls = upsert_calls() - calls_before
    finally:
        stop_cluster(cluster)
        sandbox.stop()
    ordered = sorted(latencies)
    p95 = ordered[max(0, int(round(0.95 * len(ordered))) - 1)]
    print(f"{len(ordered)} samples: p50 {statistics.median(ordered):.2f} s, p95 {p95:.2f} s, "
          f"min {ordered[0]:.2f} s, max {ordered[-1]:.2f} s, mean {statistics.mean(ordered):.2f} s, {calls} calls")
    print(json.dumps({"bench": "inventory_latency", "samples": len(ordered),
                      "p50_s": round(statistics.median(ordered), 3), "p95_s": round(p95, 3),
                      "max_s": round(ordered[-1], 3), "calls": calls, "broker": broker}))


if __name__ == "__main__":
    main()
