"""Latency benchmark: an order created in the sandbox → its stock allocated here, with the fast order fetch.

    .venv/bin/python bench/bench_order_latency.py                  # ORM broker, 5 minutes, poll 15 s
    .venv/bin/python bench/bench_order_latency.py --minutes 2
    REDIS_URL=redis://127.0.0.1:6379/9 .venv/bin/python bench/bench_order_latency.py

It loads the demo shop against a sandbox seeded with the demo catalogue and fetches once (the demo's
orders are then stored and the cursor set), switches the fast order fetch on, installs the every-minute
"fetch orders" schedule as production has it, and starts a real `manage.py qcluster` and
`manage.py rakuten_poll` with RAKUTEN_ORDER_POLL_SECONDS (``--poll``, default 15). Then the sandbox
creates one order for a mapped SKU every ``--every`` seconds (default 5) for ``--minutes``, and this
process polls the database until each order's line is allocated. Latency is from just before the
sandbox's create call to the moment the allocated order is seen here. searchOrder calls are counted
from ApiCall rows over the sampling window. Order-API rate limit: production's 1 per second.
The last line is one JSON object: p50_s, p95_s, orders, search_calls_per_minute, poll_seconds, broker.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time

from bench_inventory_support import REPO, SandboxProcess, configure

SEARCH = "rpay.order.searchOrder"


def start(env: dict, *command: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "manage.py", *command], cwd=REPO, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def stop(process: subprocess.Popen) -> None:
    process.terminate()  # both stop cleanly on SIGTERM
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def prepare():
    """The demo shop, fetched once, with the fast fetch on and plenty of stock for the benchmark's SKU."""
    from inventory.services import set_stock_count
    from rakuten_link.demo import load_demo_data
    from rakuten_link.schedules import install_schedules
    from rakuten_link.sync.jobs import run_account_job

    account = load_demo_data()
    run = run_account_job(account, "orders")
    print(f"  first fetch: {run.status} {run.summary}", flush=True)
    account.job_fast_orders = True
    account.save(update_fields=["job_fast_orders"])
    mapping = account.product_mappings.select_related("sku").order_by("pk").first()
    for store in account.stores.all():
        set_stock_count(store=store, sku=mapping.sku, counted=100_000, note="bench")
    from django_q.models import Schedule

    install_schedules(["orders"])
    Schedule.objects.exclude(name="rakuten: fetch orders").delete()  # only the fetch: nothing else calls RMS
    return account, mapping


def new_order(mapping) -> dict:
    return {"SettlementModel": {"settlementMethodCode": 1}, "PackageModelList": [
        {"ItemModelList": [{"manageNumber": mapping.manage_number, "variantId": mapping.variant_id, "units": 1}]}]}


def allocated(numbers) -> set[str]:
    from orders.models import Order

    return set(Order.objects.filter(order_number__in=numbers, state="allocated").values_list("order_number",
                                                                                             flat=True))


def search_calls() -> int:
    from rakuten_link.models import ApiCall

    return ApiCall.objects.filter(function=SEARCH).count()


def sample(sandbox: SandboxProcess, mapping, minutes: float, every: float) -> tuple[list[float], float]:
    """Create an order every ``every`` s and collect each one's latency; returns them and the window length."""
    count = max(1, int(minutes * 60 / every))
    started_at: dict[str, float] = {}
    latencies: list[float] = []
    began = time.perf_counter()
    next_order, created = began, 0
    deadline = None
    while created < count or started_at:
        now = time.perf_counter()
        if created < count and now >= next_order:
            number, = sandbox.control("POST", "orders", {"orders": [new_order(mapping)]})["orderNumbers"]
            started_at[number] = now
            created += 1
            next_order += every
            if created == count:
                deadline = time.perf_counter() + 120
        for number in allocated(list(started_at)):
            latencies.append(time.perf_counter() - started_at.pop(number))
            print(f"  order {len(latencies):3d} ({number}): {latencies[-1]:.2f} s", flush=True)
        if deadline is not None and time.perf_counter() > deadline:
            raise TimeoutError(f"{len(started_at)} order(s) never allocated: {sorted(started_at)}")
        time.sleep(0.05)
    return latencies, time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--poll", type=int, default=15, help="RAKUTEN_ORDER_POLL_SECONDS")
    parser.add_argument("--every", type=float, default=5.0, help="seconds between new orders")
    args = parser.parse_args()
    sandbox = SandboxProcess(seed="demo")
    env = configure(RMS_API_BASE_URL=sandbox.url, RAKUTEN_ORDER_POLL_SECONDS=str(args.poll), RMS_RATE_ORDER="1")
    from django.conf import settings

    broker = "redis" if settings.REDIS_URL else "orm"
    print(f"broker {broker}, poll {settings.RAKUTEN_ORDER_POLL_SECONDS} s, an order every {args.every:g} s "
          f"for {args.minutes:g} min, sandbox {sandbox.url}", flush=True)
    account, mapping = prepare()
    processes = [start(env, "qcluster"), start(env, "rakuten_poll")]
    try:
        time.sleep(5)  # let the cluster and the poller start
        calls_before = search_calls()
        latencies, window = sample(sandbox, mapping, args.minutes, args.every)
        calls = search_calls() - calls_before
    finally:
        for process in processes:
            stop(process)
        sandbox.stop()
    ordered = sorted(latencies)
    p95 = ordered[max(0, int(round(0.95 * len(ordered))) - 1)]
    per_minute = calls / (window / 60)
    print(f"{len(ordered)} orders: p50 {statistics.median(ordered):.2f} s, p95 {p95:.2f} s, "
          f"min {ordered[0]:.2f} s, max {ordered[-1]:.2f} s; {calls} searchOrder calls in {window:.0f} s "
          f"({per_minute:.2f}/min)")
    print(json.dumps({"bench": "order_latency", "orders": len(ordered),
                      "p50_s": round(statistics.median(ordered), 3), "p95_s": round(p95, 3),
                      "max_s": round(ordered[-1], 3), "search_calls_per_minute": round(per_minute, 2),
                      "search_calls": calls, "poll_seconds": settings.RAKUTEN_ORDER_POLL_SECONDS,
                      "broker": broker}))


if __name__ == "__main__":
    main()
