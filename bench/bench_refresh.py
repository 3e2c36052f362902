"""The open-order refresh at size: one ``open-orders`` run against 10,000 / 100,000 / 300,000 stored orders.

    .venv/bin/python bench/bench_refresh.py                                  # 10,000 / 100,000 / 300,000
    .venv/bin/python bench/bench_refresh.py --sizes 10000 --repeat 3
    DATABASE_URL=postgres://… .venv/bin/python bench/bench_refresh.py        # an empty PostgreSQL database

A run asks RMS for at most 60 × 100 orders, the next in turn after the refresh cursor; what grows with the
shop is the rest. So only those 6,000 orders exist in the sandbox (in its own process, rate limits off):
they are created there (status 300) and taken in by the real ``orders`` job, and the cursor is put just
before them before each timed run. Every other order comes from bench/bench_admin.py's bulk loader (what
the intake writes), added size after size into the same database; the few it dates among the sandbox's
orders are moved a week earlier, so that the sandbox's orders are the next 6,000 in turn. Per size, each run through the
job runner as the scheduler starts it:

- *all open, nothing changed*: every stored order open (status 300), RMS returns the 6,000 as stored;
- *10 % open, nothing changed*: every tenth order open (the realistic case: paid-out orders are final);
- *all open, K changed*: before each run K of the 6,000 changed in RMS — a third their status (300 → 500),
  a third a package's address, a third a line's units.

Time: the median of ``--repeat`` runs (local = wall − time inside RMS calls; local cpu = this process's CPU
time less its CPU time inside RMS calls, which a busy machine does not inflate); queries of the last run;
peak memory: tracemalloc's peak during one more run (not timed). The SQLite file lives in a temporary
directory, removed at the end unless ``--keep``. The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import datetime, timedelta
from functools import partial

from bench_inventory_support import SandboxProcess, configure
from bench_safety_nets import _run

ASKED = 6000  # MAX_BATCHES_PER_RUN × BATCH_SIZE: what one run asks
LOAD_BATCH = 2000


RMS_CPU = [0.0]  # CPU time this process spent inside RMS calls (HTTP client, the answers' JSON decoding)


def count_rms_cpu() -> None:
    """Wrap the client's send (what an ApiCall's duration covers) to add up the CPU time spent in it."""
    from rakuten_link.rms.client import RmsClient

    send = RmsClient._send

    def timed(self, *args, **kwargs):
        started = time.process_time()
        try:
            return send(self, *args, **kwargs)
        finally:
            RMS_CPU[0] += time.process_time() - started

    RmsClient._send = timed  # type: ignore[method-assign]


def _refresh(account) -> dict:
    """One run. ``cpu_s``: this process's CPU time (the sandbox runs in its own); ``local_cpu_s``: less the CPU
    time inside RMS calls — local time as CPU, which a busy machine does not inflate as it does wall time."""
    cpu, rms = time.process_time(), RMS_CPU[0]
    row = _run(account, "open-orders")
    row["cpu_s"] = time.process_time() - cpu
    row["local_cpu_s"] = row["cpu_s"] - (RMS_CPU[0] - rms)
    return row


def measure(account, repeat: int, prepare) -> dict:
    runs = []
    for _ in range(repeat):
        prepare()
        runs.append(_refresh(account))
    prepare()
    tracemalloc.start()
    _refresh(account)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    last = runs[-1]
    counts = last["counts"]
    return {"local_s": round(statistics.median(r["local_s"] for r in runs), 4),
            "local_s_all": [round(r["local_s"], 4) for r in runs],
            "wall_s": round(statistics.median(r["wall_s"] for r in runs), 4),
            "cpu_s": round(statistics.median(r["cpu_s"] for r in runs), 4),
            "local_cpu_s": round(statistics.median(r["local_cpu_s"] for r in runs), 4), "calls": last["calls"],
            "queries": last["queries"], "open": counts.get("open"), "asked": counts.get("asked"),
            "unchanged": counts.get("unchanged"), "updated": counts.get("updated"),
            "peak_mib": round(peak / 2**20, 2)}


def seed_sandbox(sandbox: SandboxProcess, count: int) -> None:
    """The demo catalogue with plenty of stock, then ``count`` orders of the last three days, status 300."""
    from django.utils import timezone

    from rakuten_link.sandbox.state.catalogue import demo_catalogue, item_json

    sandbox.control("POST", "items", {"items": [item_json(entry) for entry in demo_catalogue()], "quantity": 99_999})
    now = timezone.localtime()
    start, end = (f"{at:%Y-%m-%dT%H:%M:%S%z}" for at in (now - timedelta(days=3), now - timedelta(minutes=1)))
    for offset in range(0, count, 5000):
        sandbox.control("POST", "orders", {"random": min(5000, count - offset), "start": start, "end": end,
                                           "orderProgress": 300})


def take_in(account, count: int) -> list[int]:
    """The real intake of the sandbox's orders, then one refresh to settle anything it moved (confirmations)."""
    from inventory.models import StockLevel
    from orders.models import Order

    StockLevel.objects.update(on_hand=999_999)  # set-up: every line allocates
    run = _run(account, "orders")
    assert run["counts"].get("new") == count, run["counts"]
    ids = list(Order.objects.filter(account=account).order_by("pk").values_list("pk", flat=True))
    _run(account, "open-orders")
    return ids


def first_sandbox_date(sandbox_ids: list[int]) -> datetime:
    from django.db.models import Min

    from orders.models import Order

    return Order.objects.filter(pk__in=sandbox_ids).aggregate(first=Min("ordered_at"))["first"]


def first_in_turn(account, sandbox_ids: list[int]) -> None:
    """Set-up only: the refresh cursor just before the sandbox's orders, so a run asks them next."""
    from rakuten_link.models import JobKind, SyncCursor

    first = first_sandbox_date(sandbox_ids)
    SyncCursor.objects.update_or_create(account=account, kind=JobKind.OPEN_ORDERS, defaults={
        "position": first - timedelta(microseconds=1), "position_id": 0})


def dated_before(account, sandbox_ids: list[int]) -> None:
    """Bulk orders dated among the sandbox's (its last 3 days) move a week earlier: those stay next in turn."""
    from django.db.models import F

    from orders.models import Order

    first = first_sandbox_date(sandbox_ids)
    Order.objects.filter(account=account, order_number__startswith="338", ordered_at__gte=first).update(
        ordered_at=F("ordered_at") - timedelta(days=7))


def load_bulk(account, first: int, last: int, total: int, rng: random.Random) -> None:
    """Orders ``first``..``last`` of bench_admin's bulk loader, all in ``account``, status 300 (open)."""
    from bench_admin import _order_batch
    from django.db import transaction

    from inventory.models import Sku
    from orders.models import Order

    store = account.stores.order_by("pk").first()
    sku_ids = list(Sku.objects.values_list("pk", flat=True))
    for start in range(first, last, LOAD_BATCH):
        with transaction.atomic():
            _order_batch(rng, [account, account], store, sku_ids, range(start, min(start + LOAD_BATCH, last)), total)
    Order.objects.filter(order_number__startswith="338").update(order_progress=300)  # every order open


def tenth_open(account, sandbox_ids: list[int], share: float = 0.1):
    """Only ``share`` of the orders open: the sandbox's first, then every n-th bulk order; returns the undo."""
    from orders.models import Order

    orders = Order.objects.filter(account=account)
    wanted = int(orders.count() * share)
    closed = sandbox_ids[wanted:]
    before = list(Order.objects.filter(pk__in=closed).values_list("pk", "order_progress"))
    Order.objects.filter(pk__in=closed).update(order_progress=900)
    bulk = orders.filter(order_number__startswith="338")
    bulk_open = wanted - min(wanted, len(sandbox_ids))
    bulk.update(order_progress=900)
    if bulk_open > 0:
        step = max(1, bulk.count() // bulk_open)
        ids = list(bulk.order_by("pk").values_list("pk", flat=True)[::step][:bulk_open])
        Order.objects.filter(pk__in=ids).update(order_progress=300)

    def undo() -> None:
        bulk.update(order_progress=300)
        for progress in {p for _pk, p in before}:
            Order.objects.filter(pk__in=[pk for pk, p in before if p == progress]).update(order_progress=progress)

    return undo


def change_in_rms(sandbox: SandboxProcess, numbers: list[str]) -> None:
    """A third of ``numbers`` move on to 500, a third get a new address, a third one more unit on a line."""
    for n, number in enumerate(numbers):
        if n % 3 == 0:
            sandbox.control("POST", f"orders/{number}/progress", {"orderProgress": 500})
            continue
        packages = sandbox.control("GET", f"orders/{number}")["PackageModelList"]
        if n % 3 == 1:
            packages[0]["SenderModel"]["subAddress"] = f"変更{n}号室"
        else:
            packages[0]["ItemModelList"][0]["units"] += 1
        sandbox.control("PATCH", f"orders/{number}", {"PackageModelList": packages})


def scenario_sizes(sizes: list[int], repeat: int, changed: int) -> dict:
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from orders.models import Order
    from rakuten_link.demo import load_demo_data

    call_command("flush", interactive=False, verbosity=0)
    sandbox = SandboxProcess()
    settings.RMS_API_BASE_URL = sandbox.url
    results: dict[str, dict] = {}
    try:
        started = time.perf_counter()
        account = load_demo_data()
        asked = min(ASKED, sizes[0])
        seed_sandbox(sandbox, asked)
        sandbox_ids = take_in(account, asked)
        numbers = list(Order.objects.filter(pk__in=sandbox_ids).order_by("pk").values_list("order_number", flat=True))
        print(f"  set-up: {asked:,} orders in the sandbox, taken in ({time.perf_counter() - started:.1f} s)",
              flush=True)
        rng, loaded, rounds = random.Random(19), 0, [0]

        def change() -> None:
            rounds[0] += 1
            chosen = numbers[(rounds[0] * changed) % len(numbers):][:changed]
            change_in_rms(sandbox, chosen)
            first_in_turn(account, sandbox_ids)

        for size in sizes:
            started = time.perf_counter()
            load_bulk(account, loaded, size - asked, max(sizes), rng)
            loaded = size - asked
            dated_before(account, sandbox_ids)
            with connection.cursor() as cursor:  # fresh planner statistics, as autovacuum would give
                cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
            print(f"{size:,} orders (loaded in {time.perf_counter() - started:.1f} s):", flush=True)
            figures = results[str(size)] = {}
            in_turn = partial(first_in_turn, account, sandbox_ids)
            figures["all_open_nothing_changed"] = measure(account, repeat, in_turn)
            undo = tenth_open(account, sandbox_ids)
            figures["tenth_open_nothing_changed"] = measure(account, repeat, in_turn)
            undo()
            figures[f"all_open_{changed}_changed"] = measure(account, repeat, change)
            for name, row in figures.items():
                print(f"  {name:28} local {row['local_s']:7.3f} s  local cpu {row['local_cpu_s']:6.3f} s"
                      f"  wall {row['wall_s']:6.2f} s  calls {row['calls']:3d}"
                      f"  queries {row['queries']:5d}  open {row['open']!s:>7}  unchanged {row['unchanged']!s:>5}"
                      f"  peak {row['peak_mib']:6.2f} MiB", flush=True)
        return results
    finally:
        sandbox.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,300000")
    parser.add_argument("--changed", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the SQLite file (its path is printed)")
    args = parser.parse_args()
    var_dir = tempfile.mkdtemp(prefix="bench-refresh-")
    configure(var_dir)
    count_rms_cpu()
    from django.db import connection

    sizes = sorted(int(n) for n in args.sizes.split(","))
    try:
        results = scenario_sizes(sizes, args.repeat, args.changed)
    finally:
        if args.keep:
            print(f"kept: {var_dir}", flush=True)
        else:
            connection.close()
            shutil.rmtree(var_dir, ignore_errors=True)
    print(json.dumps({"benchmark": "refresh", "db": connection.vendor, "changed": args.changed,
                      "repeat": args.repeat, "sizes": results}, ensure_ascii=False))


if __name__ == "__main__":
    sys.exit(main())
