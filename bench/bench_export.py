"""Order export benchmark: 10,000 orders (~1.6 lines each) to Excel and CSV, time and memory for 1,000 and 10,000.

    .venv/bin/python bench/bench_export.py                  # 10,000 orders; measures 1,000 and 10,000
    .venv/bin/python bench/bench_export.py --orders 20000 --sizes 1000,10000,20000 --keep

The orders are made directly in a fresh SQLite file (WAL, as in production): one account, 60 SKUs, one
package per order (10 % two), 1–2 lines per package, a shipment on every other package, and a `raw`
order JSON of realistic size (which the export must not load). Each measurement runs in its own process
(so the set-up's memory does not hide the export's): first a timed export to a file (wall and CPU seconds
(the CPU time of the process is the fairer figure on a busy machine), and the growth of the peak RSS during
it), then the same export under tracemalloc (peak Python heap; it slows
the run, so it is not timed). Flat memory shows as the same peak for 1,000 and 10,000 orders. The last
line printed is one JSON object with every figure. Run by hand; never part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
FORMATS = ("xlsx", "csv", "csv-cp932")
TARGET_SECONDS = 10.0


def main() -> int:
    args = _arguments()
    if args.measure:
        print(json.dumps(_measure(args.workdir, args.measure, args.fmt)))
        return 0
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="bench-export-"))
    _configure_django(workdir)
    lines = _make_orders(args.orders)
    sizes = [int(size) for size in args.sizes.split(",")]
    results = [_child(workdir, size, fmt) for size in sizes for fmt in FORMATS]
    figures = _summary(args.orders, lines, results)
    for result in results:
        print(f"{result['orders']:>6} orders  {result['format']:<9}  {result['seconds']:6.2f} s "
              f"(CPU {result['cpu_seconds']:5.2f} s)  "
              f"{result['rows']:>6} rows  peak heap {result['peak_heap_mib']:6.2f} MiB  "
              f"RSS growth {result['rss_growth_mib']:6.1f} MiB  file {result['file_kib']:>6} KiB")
    if not args.keep:
        shutil.rmtree(workdir)
    print(json.dumps(figures, ensure_ascii=False))
    return 0 if figures["under_target"] else 1


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--orders", type=int, default=10_000)
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated numbers of orders to export")
    parser.add_argument("--keep", action="store_true", help="keep the SQLite file and the exports")
    parser.add_argument("--workdir", help=argparse.SUPPRESS)
    parser.add_argument("--measure", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--fmt", help=argparse.SUPPRESS)
    return parser.parse_args()


def _configure_django(workdir: Path) -> None:
    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "False",
        "SECRET_KEY": "bench",
        "FIELD_ENCRYPTION_KEY": "dA4_VW8HacCbBIqILOZmY5g5bMD1tZ_56Fpr1krz7N8=",
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
        "RAKUTEN_LINK_VAR_DIR": str(workdir),
        "EMAIL_URL": "memorymail://",
        "RMS_API_BASE_URL": "http://127.0.0.1:9",
    })
    import django

    django.setup()


def _make_orders(count: int) -> int:
    """The orders, packages, lines and shipments, inserted in batches of 1,000 orders; returns the line count."""
    from django.core.management import call_command
    from django.utils import timezone

    from accounts.models import EcAccount
    from inventory.models import Product, Sku
    from orders.models import PaymentMethod

    call_command("migrate", verbosity=0)
    account = EcAccount.objects.create(name="楽天ベンチ店", shop_url="https://www.rakuten.co.jp/bench/",
                                       service_secret="SP000001_bench", license_key="SL000001_bench")
    product = Product.objects.create(code="P1", name="ベンチ商品")
    skus = [Sku.objects.create(code=f"BENCH-{n:03d}", product=product, name=f"SKU {n}") for n in range(60)]
    method = PaymentMethod.objects.create(code="card", name="クレジットカード")
    rng, start, lines = random.Random(42), timezone.now() - timedelta(days=30), 0
    for offset in range(0, count, 1000):
        lines += _insert_batch(account, skus, method, rng, start, range(offset, min(offset + 1000, count)))
    return lines


def _insert_batch(account, skus, method, rng: random.Random, start, numbers: range) -> int:
    from orders.models import Order, OrderLine, OrderPackage, Shipment

    orders = Order.objects.bulk_create([_order(account, method, rng, start, n) for n in numbers])
    packages = OrderPackage.objects.bulk_create([
        OrderPackage(order=order, basket_id=order.pk * 10 + b, recipient_name="楽天 花子",
                     recipient_kana="ラクテン ハナコ", recipient_zip="100-0001",
                     recipient_address="東京都千代田区千代田1-1", recipient_phone="03-1234-5678")
        for order in orders for b in range(1 + (rng.random() < 0.1))
    ])
    lines = [
        OrderLine(order_id=package.order_id, package=package, item_detail_id=package.basket_id * 10 + i,
                  manage_number=f"item{sku.pk % 20:02d}", variant_id=sku.code.lower(), name="ベンチ商品 Tシャツ 綿100%",
                  sku_info="カラー:ブラック\nサイズ:M", price=2980, units=rng.randint(1, 3), tax_rate="0.100", sku=sku)
        for package in packages for i, sku in enumerate(rng.sample(skus, 1 + (rng.random() < 0.45)))
    ]
    OrderLine.objects.bulk_create(lines)
    Shipment.objects.bulk_create([
        Shipment(order_id=package.order_id, package=package, delivery_company="1001",
                 tracking_number=f"{package.pk:012d}", shipped_on=start.date())
        for package in packages[::2]
    ])
    return len(lines)


def _order(account, method, rng: random.Random, start, n: int):
    from orders.models import Order

    number = f"000001-20250101-{n:08d}"
    raw = {"bench": ["x" * 200] * 3, "note": "備考" * 200}  # about the size of a real getOrder body
    return Order(account=account, order_number=number, order_progress=rng.choice((100, 300, 500, 700)),
                 state="allocated", ordered_at=start + timedelta(seconds=n * 60), buyer_name=f"楽天 太郎{n}",
                 buyer_kana="ラクテン タロウ", buyer_phone="090-1234-5678", buyer_zip="158-0094",
                 buyer_address="東京都世田谷区玉川1-14-1 楽天クリムゾンハウス",
                 settlement_method_name="クレジットカード", payment_method=method, goods_price=5960,
                 postage_price=600, total_price=6560, request_price=6560, raw=raw)


def _child(workdir: Path, size: int, fmt: str) -> dict:
    command = [sys.executable, __file__, "--workdir", str(workdir), "--measure", str(size), "--fmt", fmt]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def _measure(workdir: str, size: int, fmt: str) -> dict:
    """One export of the first `size` orders: timed, then again under tracemalloc for the peak heap."""
    import tracemalloc

    _configure_django(Path(workdir))
    from lib.exports import FORMATS as EXPORT_FORMATS
    from lib.exports import write_file
    from orders.exports import order_rows
    from orders.models import Order

    first = Order.objects.order_by("pk").values_list("pk", flat=True).first()
    orders = Order.objects.filter(pk__lt=first + size)
    output = Path(workdir) / f"orders-{size}.{fmt}"
    list(Order.objects.filter(pk=first))  # open the connection before measuring
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started, cpu_started = time.perf_counter(), time.process_time()
    rows = write_file(order_rows(orders), output, EXPORT_FORMATS[fmt])
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    rss_growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before
    tracemalloc.start()
    write_file(order_rows(orders), output, EXPORT_FORMATS[fmt])
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {"orders": size, "format": fmt, "rows": rows, "seconds": round(seconds, 2),
            "cpu_seconds": round(cpu_seconds, 2),
            "rss_growth_mib": round(rss_growth / 1024, 1), "peak_heap_mib": round(peak / 2**20, 2),
            "file_kib": output.stat().st_size // 1024}


def _summary(orders: int, lines: int, results: list[dict]) -> dict:
    largest = max(result["orders"] for result in results)
    return {
        "orders": orders, "lines": lines, "lines_per_order": round(lines / orders, 2),
        "results": results,
        "under_target": all(r["seconds"] < TARGET_SECONDS for r in results if r["orders"] <= 10_000),
        "target_s": TARGET_SECONDS, "largest_export": largest,
    }


if __name__ == "__main__":
    sys.exit(main())
