"""Order intake benchmark: N random orders in the RMS sandbox, one `rakuten_sync orders` run, figures out.

    .venv/bin/python bench/bench_orders.py                    # 10,000 orders, rate limits off
    .venv/bin/python bench/bench_orders.py --rate-limited     # sandbox enforces 1 req/s, client paces at 1 req/s
    .venv/bin/python bench/bench_orders.py --orders 2000 --keep

The sandbox runs in its own process (so its 10,000 stored orders do not count towards our memory), the
database is a fresh SQLite file (WAL, as in production) with the demo stores, SKUs and mappings and enough
stock for every line. Reported: wall time, time inside RMS calls (the ApiCall rows' durations: HTTP plus
JSON decoding), time waiting for the client's rate limiter, local processing = wall − both, and within it
the time spent in the inventory ledger (apply_stock_movement) and in stock_changed receivers (code outside
order intake); orders/s, RMS calls against the minimum, database queries per order, peak RSS; the
sandbox process's CPU during the run and its peak RSS. Run by hand; never part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
STOCK_PER_SKU = 99_999


def main() -> int:
    args = _arguments()
    workdir = Path(tempfile.mkdtemp(prefix="bench-orders-"))
    port = _free_port()
    sandbox = _start_sandbox(port)
    try:
        _configure_django(workdir, port, args.rate_limited)
        account = _prepare_database()
        _seed_sandbox(f"http://127.0.0.1:{port}", args.orders, args.rate_limited, args.days)
        seeded = _cpu_of(sandbox.pid)
        figures = _run(account, f"http://127.0.0.1:{port}", args)
        figures["sandbox_cpu_during_run_s"] = round(_cpu_of(sandbox.pid) - seeded, 2)
    finally:
        sandbox.terminate()
        sandbox.wait(10)
    figures.update(_sandbox_usage())
    print(json.dumps(figures, indent=2, ensure_ascii=False))
    if not args.keep:
        for path in workdir.iterdir():
            path.unlink()
        workdir.rmdir()
    return 0 if figures["stored_orders"] == args.orders else 1


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--orders", type=int, default=10_000)
    parser.add_argument("--rate-limited", action="store_true", help="sandbox enforces 1 req/s; client paces")
    parser.add_argument("--keep", action="store_true", help="keep the SQLite file (path printed)")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the run to stderr")
    parser.add_argument("--days", type=float, default=6,
                        help="orders spread over this many days back (under 1: every order gets the "
                             "order-received message, RAKUTEN_MESSAGE_MAX_AGE_HOURS being 24)")
    return parser.parse_args()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_sandbox(port: int) -> subprocess.Popen:
    command = [sys.executable, "-m", "rakuten_link.sandbox", "--port", str(port), "--seed", "empty"]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            requests.get(f"http://127.0.0.1:{port}/_sandbox/health", timeout=1).raise_for_status()
            return process
        except requests.RequestException:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("the sandbox did not start")


def _cpu_of(pid: int) -> float:
    """CPU seconds a process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _sandbox_usage() -> dict:
    """CPU seconds (seeding included) and peak RSS of the sandbox process, once it has ended."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"sandbox_cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
            "sandbox_peak_rss_mb": round(usage.ru_maxrss / 1024, 1)}


def _configure_django(workdir: Path, port: int, rate_limited: bool) -> None:
    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "False",
        "SECRET_KEY": "bench",
        "FIELD_ENCRYPTION_KEY": "dA4_VW8HacCbBIqILOZmY5g5bMD1tZ_56Fpr1krz7N8=",
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
        "RAKUTEN_LINK_VAR_DIR": str(workdir),
        "EMAIL_URL": "memorymail://",
        "RMS_API_BASE_URL": f"http://127.0.0.1:{port}",
        "RMS_RATE_ORDER": "1" if rate_limited else "0",
    })
    import django

    django.setup()


def _prepare_database():
    from django.core.management import call_command

    from inventory.models import Sku, StockLevel
    from inventory.services import set_stock_count
    from rakuten_link.demo import load_demo_data

    call_command("migrate", verbosity=0)
    account = load_demo_data()
    for store in account.stores.all():
        for sku in Sku.objects.all():
            if StockLevel.objects.filter(store=store, sku=sku, on_hand=STOCK_PER_SKU).exists():
                continue
            set_stock_count(store=store, sku=sku, counted=STOCK_PER_SKU, note="bench")
    return account


def _seed_sandbox(url: str, count: int, rate_limited: bool, days: float) -> None:
    from rakuten_link.sandbox.state.catalogue import DEMO_LICENSE_KEY, DEMO_SERVICE_SECRET, demo_catalogue, item_json

    control = f"{url}/_sandbox"
    requests.post(f"{control}/credentials", json={"serviceSecret": DEMO_SERVICE_SECRET,
                                                  "licenseKey": DEMO_LICENSE_KEY}, timeout=30).raise_for_status()
    items = [item_json(entry) for entry in demo_catalogue()]
    requests.post(f"{control}/items", json={"items": items, "quantity": 99_999}, timeout=30).raise_for_status()
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.localtime()
    start = (now - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%S%z")
    end = (now - timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%S%z")
    for offset in range(0, count, 5000):
        body = {"random": min(5000, count - offset), "start": start, "end": end}
        requests.post(f"{control}/orders", json=body, timeout=300).raise_for_status()
    requests.delete(f"{control}/requests", timeout=30)
    if rate_limited:
        requests.patch(f"{control}/config", json={"rate_limits": True}, timeout=30).raise_for_status()


def _run(account, url: str, args: argparse.Namespace) -> dict:
    from django.db import connection
    from django.db.models import Sum

    from inventory.models import StockLevel, StockMovement
    from orders.models import BuyerMessage, Order, OrderLine
    from rakuten_link.models import ApiCall
    from rakuten_link.sync.jobs import run_account_job

    queries = Counter()

    def count(execute, sql, params, many, context):
        queries[sql.split(" ", 1)[0].upper()] += 1
        return execute(sql, params, many, context)

    timers = _time_stock_layers()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with connection.execute_wrapper(count):
        started, cpu_started = time.perf_counter(), time.process_time()
        run = _profiled(args.profile, run_account_job, account, "orders")
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    rss_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    rms_seconds = (ApiCall.objects.filter(sync_run=run).aggregate(t=Sum("duration_ms"))["t"] or 0) / 1000
    log = requests.get(f"{url}/_sandbox/requests", timeout=30).json()["requests"]
    calls = Counter(entry["function"] for entry in log)
    stored = Order.objects.filter(account=account).count()
    minimum = math.ceil(args.orders / 1000) + math.ceil(args.orders / 100)
    local = wall - rms_seconds - timers["rate_limit_wait"]
    own = local - timers["ledger"] - timers["stock_changed_receivers"]
    allocated = OrderLine.objects.aggregate(u=Sum("allocated_units"))["u"] or 0
    moved = StockMovement.objects.filter(kind="order_allocation").aggregate(q=Sum("allocated_change"))["q"] or 0
    figures = {
        "run": f"{run.status}: {run.summary}",
        "buyer_messages": BuyerMessage.objects.count(),
        "orders": args.orders,
        "stored_orders": stored,
        "lines": OrderLine.objects.count(),
        "rate_limited": args.rate_limited,
        "wall_s": round(wall, 2),
        "rms_time_s": round(rms_seconds, 2),
        "rate_limit_wait_s": round(timers["rate_limit_wait"], 2),
        "local_processing_s": round(local, 2),
        "orders_per_s_wall": round(stored / wall, 1),
        "orders_per_s_local": round(stored / local, 1) if local > 0 else None,
        "cpu_s": round(cpu, 2),  # this process only (the sandbox runs in its own): fairer on a shared machine
        "orders_per_cpu_s": round(stored / cpu, 1) if cpu > 0 else None,
        "inside_apply_stock_movements_s": round(timers["ledger"], 2),
        "inside_stock_changed_receivers_s": round(timers["stock_changed_receivers"], 2),
        "order_intake_code_s": round(own, 2),
        "orders_per_s_order_intake_code": round(stored / own, 1) if own > 0 else None,
        "rms_calls": dict(calls),
        "rms_calls_total": sum(calls.values()),
        "rms_calls_minimum": minimum,
        "db_queries": sum(queries.values()),
        "db_queries_per_order": round(sum(queries.values()) / max(stored, 1), 2),
        "db_queries_by_kind": dict(queries),
        "peak_rss_mb": round(rss_peak / 1024, 1),
        "rss_growth_during_run_mb": round((rss_peak - rss_before) / 1024, 1),
        "allocated_units": allocated,
        "allocation_movements_units": moved,
        "negative_stock_rows": StockLevel.objects.filter(on_hand__lt=0).count(),
    }
    if args.rate_limited:
        figures["rate_limit_minimum_s"] = minimum  # one call per second
        figures["wall_over_minimum"] = round(wall / minimum, 4)
    if args.keep:
        figures["database"] = str(connection.settings_dict["NAME"])
    return figures


def _profiled(enabled: bool, function, *args):
    """With --profile, print where local time goes (top functions by own time); profiling slows the run."""
    if not enabled:
        return function(*args)
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    result = profiler.runcall(function, *args)
    pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime").print_stats(25)
    return result


def _time_stock_layers() -> dict[str, float]:
    """Time spent in the inventory ledger and in stock_changed receivers (code outside order intake)."""
    import orders.services as order_services
    from inventory.signals import stock_changed
    from rakuten_link.rms.ratelimit import LocalRateLimiter

    timers = {"ledger": 0.0, "stock_changed_receivers": 0.0, "rate_limit_wait": 0.0}

    def timed(function, name):
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                timers[name] += time.perf_counter() - started
        return wrapper

    order_services.apply_stock_movements = timed(order_services.apply_stock_movements, "ledger")
    stock_changed.send = timed(stock_changed.send, "stock_changed_receivers")
    LocalRateLimiter.acquire = timed(LocalRateLimiter.acquire, "rate_limit_wait")
    return timers


if __name__ == "__main__":
    sys.exit(main())
