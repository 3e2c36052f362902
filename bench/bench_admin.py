"""Admin pages of a big shop: 300,000 orders and 100,000 SKUs (200,000 stock rows and mappings), timed page by page.

    .venv/bin/python bench/bench_admin.py                                    # load 300,000 orders, then time
    .venv/bin/python bench/bench_admin.py --orders 50000 --skus 20000        # a smaller shop
    .venv/bin/python bench/bench_admin.py --reuse                            # time the shop loaded last time
    DATABASE_URL=postgres://… .venv/bin/python bench/bench_admin.py [--reuse]

The database: DATABASE_URL when set (PostgreSQL; it must be empty unless --reuse), else a SQLite file
(WAL, as in production) in --workdir (default: rakuten-link-bench-admin in the temp directory), which is
kept so that --reuse can time it again without loading.

The loader is a bulk loader, not the intake: in batches of 2,000 orders it writes what the intake writes for
a new order (rakuten_link/sync/orders/upsert.py `_create`, fields as `fields.order_fields` maps them): the
Order with the buyer fields as RMS gives them (氏名 "佐藤 翔太", カナ, phone "090-1234-5678", the masked
楽天あんしんメルアド, an address) and a `raw` getOrder blob of about 2 KB; its packages (10 % two baskets);
its lines (1–3 per basket, a matched SKU on 98 %, the rest 要確認); the allocation movement of each matched
line in the stock ledger (reference = order number, the ledger's idempotency key); and the order's first
timeline event. Rows go through lib.fastwrite.insert_rows (the intake's own lean insert) and keys are read
back by natural key, as the intake does. Orders are spread over two years (the newest still open); order
numbers are "shop-YYYYMMDD-serial". The catalogue: N SKUs in products of 10, two stores with a stock row
each, two accounts mapping every SKU (2·N mappings). 30 days of sync runs and API calls: per account the
every-minute inventory and order jobs, the 10-minute refresh and the daily jobs; most runs idle, as in a
real shop, and one API call per run that did something.

Each page is fetched with Django's test client as a superuser: once to warm up, then five times; the
figure is the median wall time, with the number of SQL queries of one fetch (connection.execute_wrapper).
The last line printed is one JSON object. Run by hand, never by the test suite; the timings change with
the machine's load, so compare runs made side by side.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BATCH = 2000
RUNS = 5
FERNET_KEY = "bvnqAs5kSpfFmtGjJYMSNJjmDXfVt2rNsh3ZoXZOf8k="  # a throwaway key for the bench's own accounts


def main() -> int:
    args = _arguments()
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    if not args.reuse and not os.environ.get("DATABASE_URL"):
        for suffix in ("", "-wal", "-shm"):
            (workdir / f"db.sqlite3{suffix}").unlink(missing_ok=True)
    _configure(workdir)
    from django.db import connection

    from orders.models import Order

    loaded = {}
    if not args.reuse:
        if Order.objects.exists():
            sys.exit("The database already holds orders: use --reuse, or an empty database.")
        loaded = load_shop(args.orders, args.skus, seed=args.seed)
    elif not Order.objects.exists():
        sys.exit("--reuse: the database holds no orders; run once without --reuse.")
    with connection.cursor() as cursor:  # fresh planner statistics, as autovacuum / a nightly ANALYZE would give
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    pages = time_pages(args.only)
    for name, figure in pages.items():
        print(f"{name:<28} {figure['ms']:>9.1f} ms  {figure['queries']:>4} queries  HTTP {figure['status']}")
    print(json.dumps({"bench": "admin", "db": connection.vendor, "orders": Order.objects.count(),
                      "load": loaded, "pages": pages}, ensure_ascii=False))
    return 0


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--orders", type=int, default=300_000)
    parser.add_argument("--skus", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument("--reuse", action="store_true", help="time the shop already in the database")
    parser.add_argument("--only", default="", help="comma-separated page names to time (default: all)")
    parser.add_argument("--workdir", default=str(Path(tempfile.gettempdir()) / "rakuten-link-bench-admin"))
    return parser.parse_args()


def _configure(workdir: Path) -> None:
    os.environ.update({"DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "False", "SECRET_KEY": "bench-secret",
                       "ALLOWED_HOSTS": "*", "FIELD_ENCRYPTION_KEY": FERNET_KEY, "RAKUTEN_LINK_VAR_DIR": str(workdir),
                       "EMAIL_URL": "memorymail://", "LOG_LEVEL": "WARNING"})
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


# ---------------------------------------------------------------- loading


def load_shop(orders: int, skus: int, *, seed: int) -> dict:
    """The catalogue, the orders and the logs; returns the row counts and the seconds it took."""
    from django.db import transaction

    started = time.perf_counter()
    rng = random.Random(seed)
    with transaction.atomic():
        accounts, stores, sku_ids = _catalogue(skus)
    lines = 0
    for first in range(0, orders, BATCH):
        with transaction.atomic():
            lines += _order_batch(rng, accounts, stores[0], sku_ids, range(first, min(first + BATCH, orders)), orders)
        if first and first % (BATCH * 25) == 0:
            print(f"  {first:,} orders loaded ({time.perf_counter() - started:.0f} s)", file=sys.stderr)
    with transaction.atomic():
        runs, calls = _logs(rng, accounts)
    return {"orders": orders, "lines": lines, "skus": skus, "stock_rows": skus * len(stores),
            "mappings": skus * len(accounts), "sync_runs": runs, "api_calls": calls,
            "seconds": round(time.perf_counter() - started, 1)}


def _catalogue(count: int):
    from accounts.models import EcAccount
    from inventory.models import Product, Sku, StockLevel, Store
    from lib.fastwrite import insert_rows
    from rakuten_link.models import MappingStatus, ProductMapping

    stores = [Store.objects.create(code="S1", name="本店倉庫"), Store.objects.create(code="S2", name="第二倉庫")]
    accounts = []
    for n, name in enumerate(("楽天ベンチ本店", "楽天ベンチ二号店"), start=1):
        account = EcAccount.objects.create(name=name, shop_url=f"https://www.rakuten.co.jp/bench{n}/",
                                           service_secret=f"SP00000{n}_bench", license_key=f"SL00000{n}_bench")
        account.stores.set(stores)
        accounts.append(account)
    products = [Product(code=f"P{n:06d}", name=f"ベンチ商品 {n} 綿100% Tシャツ", price=2980)
                for n in range((count + 9) // 10)]
    insert_rows(products)
    product_ids = dict(Product.objects.values_list("code", "pk"))
    insert_rows([Sku(code=f"SKU{n:07d}", product_id=product_ids[f"P{n // 10:06d}"], name=f"ベンチ商品 {n // 10} "
                     f"{'SML'[n % 3]}", jan_code=f"49{n:011d}", options={"サイズ": "SML"[n % 3]})
                 for n in range(count)])
    sku_ids = list(Sku.objects.order_by("pk").values_list("pk", flat=True))
    insert_rows([StockLevel(store=store, sku_id=pk, on_hand=100, allocated=0) for store in stores for pk in sku_ids])
    insert_rows([ProductMapping(account=account, manage_number=f"item{n // 10:06d}", variant_id=f"v{n % 10}",
                                sku_id=pk, status=MappingStatus.OK, last_pushed_quantity=100)
                 for account in accounts for n, pk in enumerate(sku_ids)])
    return accounts, stores, sku_ids


def _order_batch(rng: random.Random, accounts, store, sku_ids: list[int], numbers: range, total: int) -> int:
    """One batch as the intake writes it: orders, packages, lines, allocation movements, timeline events."""
    from django.utils import timezone

    from inventory.models import MovementKind, StockMovement
    from lib.fastwrite import adopt_keys, insert_rows
    from orders.models import EventKind, Order, OrderEvent, OrderLine, OrderPackage

    now = timezone.now()
    orders = [_order(rng, accounts[0 if n % 5 else 1], n, total, now) for n in numbers]
    insert_rows(orders)
    keys = Order.objects.filter(order_number__in=[o.order_number for o in orders]).values_list(
        "account_id", "order_number", "pk")
    adopt_keys(orders, {(a, number): pk for a, number, pk in keys}, lambda o: (o.account_id, o.order_number))
    packages = [OrderPackage(order=order, basket_id=order.pk * 10 + b, recipient_name=order.buyer_name,
                             recipient_kana=order.buyer_kana, recipient_zip=order.buyer_zip,
                             recipient_address=order.buyer_address, recipient_phone=order.buyer_phone,
                             goods_price=order.goods_price, total_price=order.total_price,
                             default_delivery_company="1001")
                for order in orders for b in range(1 + (rng.random() < 0.1))]
    insert_rows(packages)
    rows = OrderPackage.objects.filter(order__in=[o.pk for o in orders]).values_list("order_id", "basket_id", "pk")
    adopt_keys(packages, {(o, b): pk for o, b, pk in rows}, lambda p: (p.order.pk, p.basket_id))
    lines, movements = [], []
    for package in packages:
        order = package.order
        for i in range(rng.choices((1, 2, 3), (6, 3, 1))[0]):
            sku = rng.choice(sku_ids) if rng.random() < 0.98 else None
            units = rng.randint(1, 3)
            detail = package.basket_id * 10 + i
            lines.append(OrderLine(order=order, package=package, item_detail_id=detail,
                                   manage_number=f"item{(sku or 0) // 10:06d}", variant_id=f"v{(sku or 0) % 10}",
                                   item_number=f"item{(sku or 0) // 10:06d}", name="ベンチ商品 綿100% Tシャツ",
                                   sku_info="サイズ:M", price=2980, units=units, tax_rate="0.100", sku_id=sku,
                                   allocated_units=units if sku else 0, needs_attention=sku is None))
            if sku:
                key = f"order-line:{order.account_id}:{order.order_number}:{detail}:allocate:store:{store.pk}"
                movements.append(StockMovement(store=store, sku_id=sku, kind=MovementKind.ORDER_ALLOCATION,
                                               quantity=0, on_hand_after=100, allocated_change=units,
                                               allocated_after=units, reference=order.order_number,
                                               idempotency_key=key, note="", created_at=order.ordered_at))
    insert_rows(lines)
    insert_rows(movements)
    insert_rows([OrderEvent(order=order, at=order.ordered_at, kind=EventKind.FETCHED, job="orders")
                 for order in orders])
    return len(lines)


def _order(rng: random.Random, account, n: int, total: int, now):
    """Order n of ``total``: older ones first, spread evenly over two years; the newest ones still open."""
    from orders.models import Order
    from rakuten_link.sandbox.orders.random import FAMILY_NAMES, FIRST_NAMES, masked_email

    ordered_at = now - timedelta(days=730) * (1 - n / total) - timedelta(minutes=rng.randrange(60))
    family, family_kana = rng.choice(FAMILY_NAMES)
    first, first_kana, _sex = rng.choice(FIRST_NAMES)
    progress, state = ((900, "shipped") if n < total - 2000 else rng.choice(((100, "allocated"),
                                                                               (300, "allocated"),
                                                                               (500, "shipped"))))
    price = rng.randrange(1, 20) * 980
    raw = {"orderNumber": "", "remarks": "[配送日時指定:]\n" + "備考" * 120, "PackageModelList": ["x" * 400] * 3}
    number = f"{338000 + account.pk:06d}-{ordered_at:%Y%m%d}-{1000000000 + n * 7 + rng.randrange(7):010d}"
    return Order(account=account, order_number=number, order_progress=progress, state=state,
                 ordered_at=ordered_at, confirmed_at=ordered_at, buyer_name=f"{family} {first}",
                 buyer_kana=f"{family_kana} {first_kana}", buyer_email=masked_email(rng),
                 buyer_phone=f"090-{rng.randrange(10000):04d}-{rng.randrange(10000):04d}", buyer_zip="150-0002",
                 buyer_address="東京都渋谷区渋谷2-21-1 ヒカリエ101", settlement_method_code=1,
                 settlement_method_name="クレジットカード", goods_price=price, total_price=price + 600,
                 postage_price=600, request_price=price + 600,
                 tax_summary=[{"tax_rate": "0.10", "request_price": price + 600}], raw=raw,
                 content_hash=f"{n:064x}", refreshed_at=ordered_at)


# (job, minutes between runs, share of runs that did something)
SCHEDULE = (("inventory", 1, 0.15), ("orders", 1, 0.3), ("open-orders", 10, 0.5), ("mappings", 1440, 1.0),
            ("license", 1440, 1.0))


def _logs(rng: random.Random, accounts) -> tuple[int, int]:
    """30 days of sync runs and the API calls of the runs that did something."""
    from django.utils import timezone

    from lib.fastwrite import insert_rows
    from rakuten_link.models import ApiCall, RunStatus, SyncRun

    now, run_count, call_count = timezone.now(), 0, 0
    for account in accounts:
        for kind, minutes, busy in SCHEDULE:
            runs = []
            for step in range(30 * 1440 // minutes):
                at = now - timedelta(minutes=step * minutes, seconds=rng.randrange(30))
                did = rng.random() < busy
                runs.append(SyncRun(account=account, kind=kind, status=RunStatus.SUCCESS, started_at=at,
                                    finished_at=at + timedelta(seconds=1), counts={"orders": int(did)},
                                    summary="1件" if did else ""))
            insert_rows(runs)
            run_count += len(runs)
        busy_runs = SyncRun.objects.filter(account=account, summary="1件").values_list("pk", "kind", "started_at")
        calls = [ApiCall(account=account, sync_run_id=pk, function="searchOrder" if kind != "inventory"
                         else "inventory.bulkUpsert", method="POST", path="/es/2.0/order/searchOrder/",
                         http_status=200, duration_ms=rng.randrange(80, 400), created_at=at)
                 for pk, kind, at in busy_runs]
        insert_rows(calls)
        call_count += len(calls)
    return run_count, call_count


# ---------------------------------------------------------------- timing


def page_urls() -> dict[str, str]:
    """The pages staff use daily, with search terms taken from an order in the middle of the shop."""
    from django.urls import reverse

    from orders.models import Order

    ids = Order.objects.order_by("pk").values_list("pk", flat=True)
    middle = Order.objects.get(pk=ids[ids.count() // 2])
    orders = reverse("admin:orders_order_changelist")
    return {
        "index": reverse("admin:index"),
        "orders": orders,
        "orders_filter_progress": f"{orders}?progress=300",
        "orders_page_200": f"{orders}?p=200",  # the deepest page a capped list offers (lib/adminpaging.py)
        "orders_page_1000": f"{orders}?p=1000",  # OFFSET 49,950; not offered by a capped list (HTTP 302)
        "orders_q_number": f"{orders}?q={middle.order_number}",
        "orders_q_last_digits": f"{orders}?q={middle.order_number[-6:]}",
        "orders_q_phone": f"{orders}?q={middle.buyer_phone}",
        "orders_q_email": f"{orders}?q={middle.buyer_email}",
        "orders_q_name": f"{orders}?q=佐藤",  # a tenth of the orders
        "orders_q_name_rare": f"{orders}?q=山田",  # none: every name is read
        "order_page": reverse("admin:orders_order_change", args=[middle.pk]),
        "skus": reverse("admin:inventory_sku_changelist"),
        "products": reverse("admin:inventory_product_changelist"),
        "stock": reverse("admin:inventory_stocklevel_changelist"),
        "ledger": reverse("admin:inventory_stockmovement_changelist"),
        "mappings": reverse("admin:rakuten_link_productmapping_changelist"),
        "sync_runs": reverse("admin:rakuten_link_syncrun_changelist"),
        "api_calls": reverse("admin:rakuten_link_apicall_changelist"),
    }


def time_pages(only: str = "") -> dict[str, dict]:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    user = get_user_model().objects.filter(username="bench-admin").first() or \
        get_user_model().objects.create_superuser("bench-admin", "bench@example.com", "bench-password")
    client = Client()
    client.force_login(user)
    wanted = {name for name in only.split(",") if name}
    figures = {}
    client.get(page_urls()["index"])  # the session and Django's own caches, once
    for name, url in page_urls().items():
        if wanted and name not in wanted:
            continue
        queries: list[str] = []

        def count(execute, sql, params, many, context, queries=queries):
            queries.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            status = client.get(url).status_code
        times = []
        for _run in range(RUNS):
            started = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        figures[name] = {"ms": round(statistics.median(times), 1), "queries": len(queries), "status": status}
    return figures


if __name__ == "__main__":
    raise SystemExit(main())
