"""Many shops: N accounts on one Django-Q2 cluster, the real schedules, production rate limits, one slow shop.

    .venv/bin/python bench/bench_many_shops.py                      # 20 accounts, 10 min, ORM broker, slow shop
    .venv/bin/python bench/bench_many_shops.py --minutes 2 --no-slow-shop
    REDIS_URL=redis://127.0.0.1:6379/9 DATABASE_URL=postgres://… .venv/bin/python bench/bench_many_shops.py

Set-up: one sandbox process (rate limits on, at RMS's production figures: 1 req/s per licence key for the
order and inventory-write families, 5 req/s for bulk reads and items) holding N shops, each with its own
credentials and three items (16 variants); locally one EcAccount per shop with its own store, SKUs and
mappings, every automatic job on, the client's own rate limits at their production defaults. The mappings
are verified and pushed once in this process, `manage.py qcluster` (Q_WORKERS, default 2) is started, then
`setup_schedules` installs the real schedules. Traffic: the sandbox creates one random order per shop every
``--order-every`` s (which the order fetch allocates, moving stock) and this process makes one stock
movement every ``--move-every`` s. The slow shop (the first account: its tasks are queued first on every
tick) gets ``latency_ms_by_shop`` = 5,000 in the sandbox, so each of its RMS calls takes 5 s.

Lag: every firing of a schedule consumes one due time D (the schedule's next_run; with catch_up off, due times
lie on the grid first_run + k·period and a grid point the scheduler missed by a whole period is skipped). The
scheduled runs of (account, job) are matched in order to the firings of its schedule (each firing queues
exactly one task per account, and the queue is FIFO). The lag of D for an account is the SyncRun.started_at
of the first run queued by a firing at or after D, minus D; it includes the scheduler's own delay (it looks
at schedules only every 30 s of its guard loop) and the wait for a free worker. Event-driven inventory
pushes are not scheduled runs and are left out (they are push_pending tasks, not run_for_account).
A run that found the job already running ("skipped") counts as a start in ``worst_lag_s``; the *_strict
figures count only runs that did their work. A due time whose run had not started by the end counts with
lag ≥ end − D when D + period is before the end (late for sure), and is left out otherwise.
The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import ast
import json
import random
import subprocess
import sys
import time

from bench_inventory_latency import start_cluster, stop_cluster
from bench_inventory_support import REPO, SandboxProcess, configure
from bench_many_shops_support import (
    DISPATCH,
    RUN_FOR_ACCOUNT,
    Recorder,
    build_accounts,
    poll_loop,
    queue_size,
    seed_sandbox,
    shop_number,
    stock_movement,
    verify_and_push,
)

SLOW_MS = 5000
PRODUCTION_LIMITS = {"RMS_RATE_ORDER": "1", "RMS_RATE_INVENTORY_WRITE": "1", "RMS_RATE_INVENTORY_READ": "5",
                     "RMS_RATE_ITEMS": "5", "RMS_RATE_LICENSE": "1"}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=20)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--slow-shop", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--poller", action=argparse.BooleanOptionalAction, default=False,
                        help="also run manage.py rakuten_poll, which queues due schedules every second")
    parser.add_argument("--order-every", type=float, default=120, help="s between sandbox orders, per shop")
    parser.add_argument("--move-every", type=float, default=6, help="s between local stock movements")
    return parser.parse_args()


def schedule_key(spec: dict) -> tuple[str, bool] | None:
    """(job kind, sweep) of a dispatch schedule; None for the schedules that are not per account."""
    if spec["func"] != DISPATCH:
        return None
    return ast.literal_eval(spec["args"]), "sweep" in (spec["kwargs"] or "")


def label(key: tuple[str, bool]) -> str:
    return f"{key[0]}-sweep" if key[1] else key[0]


def sync_runs_by_account_kind() -> dict:
    from rakuten_link.models import SyncRun

    runs: dict = {}
    for row in SyncRun.objects.order_by("started_at").values("account_id", "kind", "started_at", "status"):
        runs.setdefault((row["account_id"], row["kind"]), []).append(row)
    return runs


def the_sync_run(runs: list[dict], task: dict) -> dict | None:
    """The SyncRun a run_for_account task made: the one that started while the task ran."""
    return next((r for r in runs if task["started"] <= r["started_at"] <= task["stopped"]), None)


def runs_per_firing(recorder: Recorder, key, account_id: int, runs: list[dict]) -> list[tuple]:
    """[(due of the firing, SyncRun start, status)] for one account, matched in queue order."""
    name = key_names(recorder)[key]
    ticks = sorted((t for t in recorder.ticks if t.schedule == name), key=lambda t: t.seen_at)
    tasks = sorted((t for t in recorder.tasks.values() if t["func"] == RUN_FOR_ACCOUNT
                    and tuple(t["args"]) == (account_id, key[0]) and bool((t["kwargs"] or {}).get("sweep")) == key[1]),
                   key=lambda t: t["started"])
    matched = []
    for tick, task in zip(ticks, tasks, strict=False):
        run = the_sync_run(runs, task)
        matched.append((tick.due, run["started_at"] if run else task["started"], run["status"] if run else "none"))
    return matched


def key_names(recorder: Recorder) -> dict:
    return {schedule_key(spec): name for name, spec in recorder.schedules.items() if schedule_key(spec)}


def lags_for(spec: dict, matched: list[tuple], end, *, strict: bool) -> list[float]:
    """Lag in s of every judgeable due time of one schedule for one account (see the module docstring)."""
    from datetime import timedelta

    period = timedelta(seconds=spec["period_s"])
    due, lags = spec["first"], []
    while due < end:
        start = next((s for d, s, status in matched if d >= due and not (strict and status == "skipped")), None)
        if start is not None:
            lags.append((start - due).total_seconds())
        elif due + period <= end:
            lags.append((end - due).total_seconds())
        due += period
    return lags


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(round(0.95 * len(ordered))) - 1)] if ordered else 0.0


def analyse(recorder: Recorder, accounts: list, slow_id: int | None, end) -> dict:
    runs = sync_runs_by_account_kind()
    figures: dict = {"others": {}, "slow": {}, "others_strict": {}, "slow_strict": {}, "skipped": {}, "late": 0}
    within = within_strict = True
    for spec in recorder.schedules.values():
        key = schedule_key(spec)
        if key is None:
            continue
        period = spec["period_s"]
        for account in accounts:
            matched = runs_per_firing(recorder, key, account.pk, runs.get((account.pk, key[0]), []))
            group = "slow" if account.pk == slow_id else "others"
            lags = lags_for(spec, matched, end, strict=False)
            strict = lags_for(spec, matched, end, strict=True)
            figures[group].setdefault(label(key), []).extend(lags)
            figures[f"{group}_strict"].setdefault(label(key), []).extend(strict)
            skipped = sum(status == "skipped" for _d, _s, status in matched)
            figures["skipped"][label(key)] = figures["skipped"].get(label(key), 0) + skipped
            late = sum(lag >= period for lag in lags)
            figures["late"] += late
            within = within and not late
            within_strict = within_strict and not any(lag >= period for lag in strict)
    figures["within"], figures["within_strict"] = within, within_strict
    return figures


def tick_lags(recorder: Recorder) -> dict[str, float]:
    """Worst delay between a due time and the scheduler queuing its dispatch (± the 1 s poll), per schedule."""
    worst: dict[str, float] = {}
    for tick in recorder.ticks:
        lag = (tick.seen_at - tick.due).total_seconds()
        worst[tick.schedule] = max(worst.get(tick.schedule, 0.0), lag)
    return {name: round(value, 1) for name, value in sorted(worst.items())}


def stats(figures: dict, group: str, fn) -> dict[str, float]:
    return {kind: round(fn(values), 1) for kind, values in sorted(figures[group].items()) if values}


def counters() -> dict:
    from django.db.models import Count

    from rakuten_link.models import ApiCall, SyncRun

    by_status = dict(SyncRun.objects.values_list("status").annotate(n=Count("id")))
    return {"runs": by_status, "api_calls": ApiCall.objects.count(),
            "http_429": ApiCall.objects.filter(http_status=429).count()}


def longest_runs(account_ids) -> dict[str, float]:
    """Longest SyncRun per job kind (s) among these accounts: how long a worker was held."""
    from django.db.models import DurationField, ExpressionWrapper, F, Max

    from rakuten_link.models import SyncRun

    took = ExpressionWrapper(F("finished_at") - F("started_at"), output_field=DurationField())
    rows = (SyncRun.objects.filter(account_id__in=account_ids, finished_at__isnull=False).values("kind")
            .annotate(longest=Max(took)))
    return {row["kind"]: round(row["longest"].total_seconds(), 1) for row in rows.order_by("kind")}


def progress(started: float, recorder: Recorder, slow_id: int | None) -> None:
    from rakuten_link.models import SyncRun

    counts = counters()
    slow = SyncRun.objects.filter(account_id=slow_id).count() if slow_id else 0
    print(f"  {time.monotonic() - started:6.0f} s: queue {queue_size()}, firings {len(recorder.ticks)}, "
          f"runs {counts['runs']}, slow shop runs {slow}, API calls {counts['api_calls']} "
          f"({counts['http_429']} × 429)", flush=True)


def prepare(args, sandbox: SandboxProcess) -> tuple[list, int | None]:
    seed_sandbox(sandbox, args.accounts)
    accounts = build_accounts(args.accounts)
    started = time.monotonic()
    verify_and_push(accounts)
    print(f"  {len(accounts)} accounts verified and pushed in {time.monotonic() - started:.1f} s", flush=True)
    slow_id = accounts[0].pk if args.slow_shop else None
    config = {"rate_limits": True, "auto_orders_every_s": args.order_every,
              "latency_ms_by_shop": {shop_number(1): SLOW_MS} if args.slow_shop else {}}
    sandbox.control("PATCH", "config", config)
    return accounts, slow_id


def start_poller(env: dict) -> subprocess.Popen:
    command = [sys.executable, "manage.py", "rakuten_poll"]
    return subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def run(args, env: dict, accounts: list, slow_id: int | None) -> tuple[Recorder, object]:
    from django.core.management import call_command
    from django.utils import timezone

    cluster = start_cluster({**env, "Q_WORKERS": str(args.workers)})
    poller = start_poller(env) if args.poller else None
    recorder = Recorder()
    try:
        time.sleep(5)  # the cluster is up before the schedules are due
        call_command("setup_schedules", verbosity=0)
        recorder.start()
        started = time.monotonic()
        rng = random.Random(11)
        poll_loop(recorder, started + args.minutes * 60, lambda: progress(started, recorder, slow_id),
                  lambda: stock_movement(rng, accounts), args.move_every, quiet_tail=60)
        end = timezone.now()
    finally:
        if poller is not None:
            stop_cluster(poller)  # SIGTERM ends it after its pass, as it does the cluster
        stop_cluster(cluster)
    recorder.poll_schedules()
    recorder.poll_tasks()
    return recorder, end


def main() -> None:
    args = parse_args()
    sandbox = SandboxProcess(seed="empty")
    env = configure(RMS_API_BASE_URL=sandbox.url, **PRODUCTION_LIMITS)
    from django.conf import settings
    from django.db import connection

    broker = "redis" if settings.REDIS_URL else "orm"
    print(f"broker {broker}, database {connection.vendor}, {args.accounts} accounts, {args.workers} workers, "
          f"{args.minutes:g} min, slow shop {'on' if args.slow_shop else 'off'}, sandbox {sandbox.url}", flush=True)
    try:
        accounts, slow_id = prepare(args, sandbox)
        recorder, end = run(args, env, accounts, slow_id)
    finally:
        sandbox.stop()
    figures = analyse(recorder, accounts, slow_id, end)
    result = {
        "bench": "many_shops", "accounts": args.accounts, "workers": args.workers, "minutes": args.minutes,
        "broker": broker, "database": connection.vendor, "slow_shop": args.slow_shop,
        "poller": args.poller,
        "worst_lag_s": stats(figures, "others", max), "p95_lag_s": stats(figures, "others", p95),
        "slow_shop_worst_lag_s": stats(figures, "slow", max), "slow_shop_p95_lag_s": stats(figures, "slow", p95),
        "worst_lag_strict_s": stats(figures, "others_strict", max),
        "slow_shop_worst_lag_strict_s": stats(figures, "slow_strict", max),
        "scheduler_worst_lag_s": tick_lags(recorder), "skipped_runs": figures["skipped"],
        "late_due_times": figures["late"], "all_within_period": figures["within"],
        "all_within_period_strict": figures["within_strict"], **counters(),
        "longest_run_s": longest_runs([a.pk for a in accounts if a.pk != slow_id]),
        "slow_shop_longest_run_s": longest_runs([slow_id]) if slow_id else {},
    }
    print(json.dumps(result, ensure_ascii=False))
    sys.exit(0)


if __name__ == "__main__":
    main()
