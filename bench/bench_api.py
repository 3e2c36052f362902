"""The integration API: a sale posted over HTTP → the sandbox holds the new quantity; and sustained throughput.

    .venv/bin/python bench/bench_api.py                       # latency, ORM broker, 50 samples
    REDIS_URL=redis://127.0.0.1:6379/9 .venv/bin/python bench/bench_api.py
    .venv/bin/python bench/bench_api.py --throughput --clients 8 --seconds 60 --lines 5

Latency: as bench_inventory_latency.py (demo shop, real qcluster and rakuten_poll, production client-side
rate limits), but each movement is a POST /api/v1/stock/movements to a web server in its own process
(``manage.py runserver --noreload``, threaded), timed from before the POST until the sandbox holds the new
sellable quantity. The API call's own time is reported too.

Throughput: ``--clients`` threads post sale and receipt lines (``--lines`` per request, each with its own key)
for ``--seconds``; each client re-sends 10 % of its requests with the same keys. Afterwards the ledger must
hold exactly one movement per distinct key (0 lost, 0 applied twice), and the RMS calls are counted.
The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import threading
import time

import requests
from bench_inventory_latency import _on_hand, prepare, sellable, start_cluster, stop_cluster, upsert_calls, wait_for
from bench_inventory_support import REPO, SandboxProcess, configure, free_port


def start_web(env: dict, port: int) -> subprocess.Popen:
    web = subprocess.Popen([sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"], cwd=REPO,
                           env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            requests.get(f"http://127.0.0.1:{port}/api/v1/openapi.json", timeout=1)
            return web
        except requests.RequestException:
            time.sleep(0.2)
    web.kill()
    raise RuntimeError("the web server did not start")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(round(share * len(ordered))) - 1)]


def latency(sandbox, account, api: str, secret: str, count: int, interval: float) -> dict:
    mappings = list(account.product_mappings.filter(status="ok").select_related("sku", "account"))
    store = account.stores.order_by("code").first()
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {secret}"
    total, calls = [], []
    for n in range(count):
        mapping = mappings[n % len(mappings)]
        before = sellable(mapping)
        sale = n % 2 == 1 and before > 0 and _on_hand(store, mapping.sku) > 0
        line = {"key": f"lat-{n}", "sku": mapping.sku.code, "store": store.code,
                "kind": "sale" if sale else "receipt", "quantity": 1}
        started = time.perf_counter()
        response = session.post(f"{api}/stock/movements", json={"movements": [line]}, timeout=10)
        calls.append(time.perf_counter() - started)
        assert response.status_code == 200, response.text
        expected = sellable(mapping)
        assert expected != before
        total.append(wait_for(sandbox, mapping, expected) - started)
        print(f"  sample {n + 1:2d}: {total[-1]:.3f} s (API call {calls[-1] * 1000:.0f} ms)", flush=True)
        time.sleep(max(0.0, interval - total[-1]))
    return {"samples": len(total), "p50_s": round(statistics.median(total), 3),
            "p95_s": round(percentile(total, 0.95), 3), "max_s": round(max(total), 3),
            "api_p50_ms": round(statistics.median(calls) * 1000, 1),
            "api_p95_ms": round(percentile(calls, 0.95) * 1000, 1)}


def stock_up(store, skus) -> None:
    """1,000 more of every SKU (one receipt each, through the ledger): no sale of the run meets an empty shelf."""
    from inventory.services import MovementSpec, apply_stock_movements

    apply_stock_movements([MovementSpec(store, sku, "receipt", 1000) for sku in {s.pk: s for s in skus}.values()])
    time.sleep(3)  # the push it causes


def throughput(account, api: str, secret: str, clients: int, seconds: float, lines: int) -> dict:
    from inventory.models import StockMovement

    mappings = list(account.product_mappings.filter(status="ok").select_related("sku"))
    store = account.stores.order_by("code").first()
    sent_keys: set[str] = set()
    lock, errors, timings = threading.Lock(), [], []
    stock_up(store, [m.sku for m in mappings])
    stop_at = time.monotonic() + seconds
    run = f"r{int(time.time())}"  # keys of their own, should DATABASE_URL keep an earlier run's ledger

    def client(number: int) -> None:
        rng, session = random.Random(number), requests.Session()
        session.headers["Authorization"] = f"Bearer {secret}"
        request = 0
        while time.monotonic() < stop_at:
            batch = []
            for i in range(lines):
                sku = rng.choice(mappings).sku.code
                # receipts and sales alternate per key so that the shelf never runs dry
                kind = "receipt" if (request + i) % 2 == 0 else "sale"
                batch.append({"key": f"{run}-c{number}-{request}-{i}", "sku": sku, "store": store.code, "kind": kind,
                              "quantity": 1})
            for _attempt in range(2 if rng.random() < 0.10 else 1):  # 10 % sent twice, same keys and body
                started = time.perf_counter()
                response = session.post(f"{api}/stock/movements", json={"movements": batch}, timeout=30)
                with lock:
                    timings.append(time.perf_counter() - started)
                    if response.status_code == 200:
                        sent_keys.update(line["key"] for line in batch)
                    else:
                        errors.append((response.status_code, response.text[:200]))
            request += 1

    calls_before = upsert_calls()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    time.sleep(3)  # the last push
    applied = list(StockMovement.objects.filter(reference__in=sent_keys).values_list("reference", flat=True))
    return {"clients": clients, "seconds": round(elapsed, 1), "lines": len(sent_keys),
            "lines_per_s": round(len(sent_keys) / elapsed, 1), "lost": len(sent_keys - set(applied)),
            "applied_twice": len(applied) - len(set(applied)), "errors": len(errors), "first_errors": errors[:3],
            "request_p50_ms": round(statistics.median(timings) * 1000, 1),
            "request_p95_ms": round(percentile(timings, 0.95) * 1000, 1),
            "rms_upserts": upsert_calls() - calls_before}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=50)
    parser.add_argument("--interval", type=float, default=3.0, help="seconds between movements (latency)")
    parser.add_argument("--throughput", action="store_true")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--lines", type=int, default=5, help="lines per request (throughput)")
    args = parser.parse_args()
    sandbox = SandboxProcess(seed="demo")
    limits = {"RMS_RATE_INVENTORY_WRITE": "1", "RMS_RATE_INVENTORY_READ": "5", "RMS_RATE_ITEMS": "5",
              "API_RATE_LIMIT_PER_MINUTE": "1000000"}
    env = configure(RMS_API_BASE_URL=sandbox.url, **limits)
    from django.conf import settings

    from api.models import ApiToken
    from api.tokens import create_token

    broker = "redis" if settings.REDIS_URL else "orm"
    account = prepare()
    ApiToken.objects.filter(name="bench").delete()  # a DATABASE_URL kept from an earlier run
    _token, secret = create_token(name="bench", scopes=["stock:write", "stock:read"])
    port = free_port()
    web = start_web(env, port)
    cluster = start_cluster(env)
    api = f"http://127.0.0.1:{port}/api/v1"
    try:
        time.sleep(5)  # let the cluster start and run the push queued by the verification
        if args.throughput:
            result = {"bench": "api_throughput", **throughput(account, api, secret, args.clients, args.seconds,
                                                              args.lines)}
        else:
            calls_before = upsert_calls()
            result = {"bench": "api_latency", **latency(sandbox, account, api, secret, args.samples, args.interval)}
            time.sleep(1)
            result["calls"] = upsert_calls() - calls_before
    finally:
        stop_cluster([web, *cluster])
        sandbox.stop()
    result["broker"] = broker
    print(json.dumps(result))


if __name__ == "__main__":
    main()
