"""Burst benchmark: 200 stock movements over 10 s on 50 SKUs, through a real Django-Q2 cluster.

    .venv/bin/python bench/bench_inventory_burst.py                   # ORM broker
    REDIS_URL=redis://127.0.0.1:6379/9 .venv/bin/python bench/bench_inventory_burst.py

A bench shop of 50 mapped SKUs (bench_inventory_support.build_shop) against an empty sandbox, production
rate limits on our side, `manage.py qcluster` and `manage.py rakuten_poll` running. The movements (sales and
receipts, random SKUs, evenly spread) go through inventory.services in this process, as the admin's
adjustments do. Then it polls the sandbox until every SKU holds its final sellable quantity. Measured: how
long after the last movement the sandbox was right for all 50, and how many inventory calls the burst cost
(the pacing allows one per second). The figure depends on where in the pacing interval the burst ends (a push
that starts just before the last movement makes it wait a whole interval), so ``--bursts N`` runs N bursts
whose lengths step through one interval and reports each, the median and the worst. The last line is one JSON
object.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time

from bench_inventory_latency import UPSERT, sellable, start_cluster, stop_cluster
from bench_inventory_support import SandboxProcess, build_shop, configure


def calls() -> int:
    from rakuten_link.models import ApiCall

    return ApiCall.objects.filter(function=UPSERT).count()


def smallest_gap(last: int) -> float | None:
    """The shortest time between two of the last ``last`` upsert calls (RMS allows one per second)."""
    from rakuten_link.models import ApiCall

    times = sorted(ApiCall.objects.filter(function=UPSERT).order_by("-pk")
                   .values_list("created_at", flat=True)[:last])
    gaps = [(later - earlier).total_seconds() for earlier, later in zip(times, times[1:], strict=False)]
    return min(gaps) if gaps else None


def burst(account, store, movements: int, seconds: float) -> float:
    """The movements, evenly spread over ``seconds``; returns when the last one was committed."""
    from inventory.models import StockLevel
    from inventory.services import apply_stock_movement

    mappings = list(account.product_mappings.select_related("sku", "account"))
    rng = random.Random(13)
    started = time.perf_counter()
    for n in range(movements):
        mapping = rng.choice(mappings)
        on_hand = StockLevel.objects.filter(store=store, sku=mapping.sku).values_list("on_hand", flat=True).first()
        sale = bool(on_hand) and rng.random() < 0.6
        apply_stock_movement(store=store, sku=mapping.sku, kind="pos_sale" if sale else "receipt",
                             quantity=-1 if sale else 1)
        time.sleep(max(0.0, started + (n + 1) * seconds / movements - time.perf_counter()))
    return time.perf_counter()


def settle(sandbox: SandboxProcess, account, timeout: float = 60) -> float:
    """When the sandbox holds every mapping's final sellable quantity."""
    expected = {(m.manage_number, m.variant_id): sellable(m)
                for m in account.product_mappings.select_related("sku", "account")}
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        wrong = [key for key, quantity in expected.items() if sandbox.quantity(*key) != quantity]
        if not wrong:
            return time.perf_counter()
        time.sleep(0.05)
    raise TimeoutError(f"{len(wrong)} SKUs never reached their final quantity, e.g. {wrong[:3]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--movements", type=int, default=200)
    parser.add_argument("--skus", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--bursts", type=int, default=4)
    args = parser.parse_args()
    sandbox = SandboxProcess(seed="empty")
    limits = {"RMS_RATE_INVENTORY_WRITE": "1", "RMS_RATE_INVENTORY_READ": "5", "RMS_RATE_ITEMS": "5"}
    env = configure(RMS_API_BASE_URL=sandbox.url, **limits)
    from django.conf import settings

    broker = "redis" if settings.REDIS_URL else "orm"
    account, stores, _skus = build_shop(args.skus, variants_per_item=10)
    print(f"broker {broker}, {args.movements} movements over {args.seconds:.0f} s on {args.skus} SKUs", flush=True)
    cluster = start_cluster(env)
    settles, bursts_s = [], []
    try:
        time.sleep(5)  # let the cluster start
        before = calls()
        for index in range(args.bursts):
            seconds = args.seconds + index * 1.05 / args.bursts  # each ends at another point of the interval
            first = time.perf_counter()
            last = burst(account, stores[0], args.movements, seconds)
            settles.append(settle(sandbox, account) - last)
            bursts_s.append(last - first)
            time.sleep(3)  # quiet between bursts: the next one starts on a free claim
        used = calls() - before
        gap = smallest_gap(used)
    finally:
        stop_cluster(cluster)
        sandbox.stop()
    burst_total = sum(bursts_s)
    print(f"{args.bursts} bursts of {args.seconds:.0f}+ s; every final quantity on the sandbox "
          f"{', '.join(f'{s:.2f}' for s in settles)} s after the last movement; {used} calls "
          f"({used / burst_total:.2f} per second of burst), at least {gap or 0:.2f} s apart")
    print(json.dumps({"bench": "inventory_burst", "movements": args.movements, "skus": args.skus,
                      "bursts": args.bursts, "burst_s": round(bursts_s[0], 2),
                      "settle_after_last_s": [round(s, 3) for s in settles],
                      "settle_median_s": round(statistics.median(settles), 3), "settle_max_s": round(max(settles), 3),
                      "calls": used, "calls_per_burst_second": round(used / burst_total, 2),
                      "min_call_gap_s": round(gap or 0, 3), "broker": broker}))

if __name__ == "__main__":
    main()
