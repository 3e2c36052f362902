"""Delivery-slip benchmark: N orders (one destination each) printed as one PDF, timed from the query to the bytes.

    .venv/bin/python bench/bench_slips.py                      # 100 slips
    .venv/bin/python bench/bench_slips.py --slips 300 --output /tmp/slips.pdf

A fresh SQLite database in a temp dir holds one account (with an invoice registration number) and N orders
of 3 to 6 lines each, 10 % and 8 % items mixed, options on some lines, postage on some orders, points and
coupons on others. Timed: loading the orders, building the slips, rendering the HTML, laying it out and
writing the PDF (the first WeasyPrint call in a process also loads its fonts; that is counted too), and the
process's peak RSS (set-up included, about 100 MiB). The last line printed is one JSON object:
{"slips": …, "seconds": …, "pages": …, "peak_rss_mib": …}. Target: 100 slips < 10 s.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
ITEMS = [("オーガニックコットンTシャツ", 3300, "0.10"), ("国産はちみつ 500g", 1944, "0.08"),
         ("ドリップコーヒー 20袋", 1620, "0.08"), ("ステンレスボトル 480ml", 2980, "0.10"),
         ("有機緑茶ティーバッグ", 864, "0.08"), ("リネンハンドタオル", 1210, "0.10")]


def main() -> int:
    args = _arguments()
    workdir = Path(tempfile.mkdtemp(prefix="bench-slips-"))
    try:
        _configure_django(workdir)
        ids = _prepare_database(args.slips)
        figures = _run(ids, args.output)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(json.dumps(figures, ensure_ascii=False))
    return 0 if figures["slips"] == args.slips else 1


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--slips", type=int, default=100)
    parser.add_argument("--output", help="also keep the PDF here")
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
    })
    import django

    django.setup()


def _prepare_database(count: int) -> list[int]:
    from django.core.management import call_command
    from django.utils import timezone

    from accounts.models import EcAccount
    from orders.models import Order, OrderLine, OrderPackage

    call_command("migrate", verbosity=0)
    account = EcAccount.objects.create(name="楽天ベンチ店", shop_url="https://www.rakuten.co.jp/bench/",
                                       service_secret="SP000001_x", license_key="SL000001_x",
                                       invoice_issuer_name="株式会社ベンチ商店",
                                       invoice_registration_number="T1234567890123")
    rng = random.Random(7)
    now = timezone.now()
    ids = []
    for n in range(1, count + 1):
        chosen = rng.sample(ITEMS, rng.randint(3, 6))
        goods = 0
        order = Order.objects.create(
            account=account, order_number=f"111111-20251101-{n:08d}", order_progress=300,
            ordered_at=now - timedelta(hours=n), buyer_name="楽天 太郎", buyer_zip="150-0001",
            buyer_address="東京都渋谷区神宮前1-2-3", buyer_phone="090-1234-5678",
            settlement_method_name="クレジットカード",
        )
        package = OrderPackage.objects.create(order=order, basket_id=n, recipient_name="楽天 花子",
                                              recipient_zip="530-0001", recipient_address="大阪府大阪市北区梅田1-1-1")
        for index, (name, price, rate) in enumerate(chosen, start=1):
            units = rng.randint(1, 3)
            goods += price * units
            OrderLine.objects.create(order=order, package=package, item_detail_id=n * 100 + index, name=name,
                                     item_number=f"item-{index:03d}", price=price, units=units, tax_rate=Decimal(rate),
                                     selected_choice="カラー:ナチュラル\nサイズ:M" if index % 2 else "")
        postage = 0 if goods >= 3980 else 660
        points = rng.choice((0, 0, 100, 250))
        coupons = rng.choice((0, 0, 300))
        Order.objects.filter(pk=order.pk).update(
            goods_price=goods, postage_price=postage, used_point=points, coupon_total=coupons,
            total_price=goods + postage, request_price=goods + postage - points - coupons)
        OrderPackage.objects.filter(pk=package.pk).update(postage_price=postage, goods_price=goods,
                                                          total_price=goods + postage)
        ids.append(order.pk)
    return ids


def _run(ids: list[int], output: str | None) -> dict:
    from orders.models import Order
    from orders.slips import build_slips, render_slips

    started, cpu = time.perf_counter(), time.process_time()
    orders = list(Order.objects.filter(pk__in=ids).select_related("account").order_by("ordered_at", "id"))
    slips = build_slips(orders)
    built = time.perf_counter()
    pdf = render_slips(slips)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    if output:
        Path(output).write_bytes(pdf.data)
    return {"slips": pdf.slips, "seconds": round(seconds, 2), "pages": pdf.pages,
            "cpu_seconds": round(cpu, 2), "build_seconds": round(built - started, 2), "pdf_bytes": len(pdf.data),
            "seconds_per_slip": round(seconds / max(pdf.slips, 1), 3),
            "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}


if __name__ == "__main__":
    sys.exit(main())
