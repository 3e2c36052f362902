"""Shipping-desk benchmark: a picking list of N orders, a B2クラウド label export of M orders, and the import of the
発行済データ made from it (M tracking numbers recorded as shipments), each timed on its own.

    .venv/bin/python bench/bench_shipping_desk.py                         # 100 picked, 1,000 exported/imported
    .venv/bin/python bench/bench_shipping_desk.py --pick 100 --labels 1000

A fresh SQLite database in a temp dir holds one account over one store, 50 SKUs (half with a 棚番, some with a
JAN) and M orders of 1 to 3 lines, allocated. Timed: the picking list of the first N orders as a PDF (rows
from the ledger, HTML, WeasyPrint; the first WeasyPrint call of a process also loads its fonts, so it is
timed again warm) and as CSV; the B2 export
of all M orders (rows checked and written as cp932); the import of the 発行済データ (the check pass and the
writing pass, one shipment per label, through the tracking-number import). No RMS call is made. The last line
printed is one JSON object. Targets: picking list of 100 orders ≤ 5 s.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    args = _arguments()
    workdir = Path(tempfile.mkdtemp(prefix="bench-desk-"))
    try:
        _configure_django(workdir)
        account, orders = _prepare(args.labels)
        figures = _run(account, orders, args.pick)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(json.dumps(figures, ensure_ascii=False))
    return 0 if figures["shipments"] == figures["label_rows"] else 1


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--pick", type=int, default=100)
    parser.add_argument("--labels", type=int, default=1000)
    return parser.parse_args()


def _configure_django(workdir: Path) -> None:
    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "False", "SECRET_KEY": "bench",
        "FIELD_ENCRYPTION_KEY": "dA4_VW8HacCbBIqILOZmY5g5bMD1tZ_56Fpr1krz7N8=",
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}", "RAKUTEN_LINK_VAR_DIR": str(workdir),
        "EMAIL_URL": "memorymail://",
    })
    import django

    django.setup()


def _prepare(count: int):
    from django.core.management import call_command
    from django.utils import timezone

    from accounts.models import EcAccount
    from inventory.models import Product, Sku, StockLevel, Store
    from inventory.services import apply_stock_movement
    from orders.models import Order, OrderLine, OrderPackage
    from orders.services import allocate_order
    from rakuten_link.shipping.label_settings import LabelSettings

    call_command("migrate", verbosity=0)
    rng = random.Random(22)
    store = Store.objects.create(code="WH1", name="本社倉庫")
    account = EcAccount.objects.create(name="楽天ベンチ店", shop_url="https://www.rakuten.co.jp/bench/",
                                       service_secret="SP000001_x", license_key="SL000001_x")
    account.stores.add(store)
    LabelSettings.objects.create(account=account, sender_name="楽天ベンチ店", sender_zip="158-0094",
                                 sender_address="東京都世田谷区玉川1-14-1", sender_phone="03-1234-5678",
                                 b2_billing_code="0312345678")
    product = Product.objects.create(code="BENCH", name="ベンチ商品")
    skus = [Sku.objects.create(code=f"SKU-{n:03d}", product=product, name=f"商品 {n}",
                               jan_code=f"49{n:011d}" if n % 2 else "", options={"色": "黒", "サイズ": "M"})
            for n in range(50)]
    for n, sku in enumerate(skus):
        apply_stock_movement(store=store, sku=sku, kind="adjustment", quantity=100000, note="bench")
        if n % 2 == 0:
            StockLevel.objects.filter(store=store, sku=sku).update(location=f"{n // 10:02d}-{n % 10:02d}")
    orders = []
    for n in range(count):
        order = Order.objects.create(account=account, order_number=f"000001-20261207-{n:08d}", order_progress=300,
                                     ordered_at=timezone.now(), buyer_name="楽天 太郎", request_price=3000)
        package = OrderPackage.objects.create(order=order, basket_id=1000 + n, recipient_name="楽天 花子",
                                              recipient_kana="ラクテン ハナコ", recipient_zip="150-0001",
                                              recipient_address="東京都渋谷区神宮前1-2-3 ベンチビル101",
                                              recipient_phone="090-1234-5678")
        for line in range(rng.randint(1, 3)):
            sku = rng.choice(skus)
            OrderLine.objects.create(order=order, package=package, item_detail_id=n * 10 + line, name=sku.name,
                                     price=1000, units=rng.randint(1, 3), sku=sku)
        orders.append(allocate_order(order))
    return account, orders


def _run(account, orders, pick: int) -> dict:
    from orders.models import Shipment
    from orders.picking import picking_pdf, picking_rows, table
    from rakuten_link.shipping.label_export import export_labels
    from rakuten_link.shipping.label_import import import_labels

    started = time.perf_counter()
    rows = picking_rows(orders[:pick])
    pdf = picking_pdf(rows)
    pick_pdf = time.perf_counter() - started
    started = time.perf_counter()
    picking_pdf(picking_rows(orders[:pick]))
    pick_pdf_warm = time.perf_counter() - started
    started = time.perf_counter()
    table(picking_rows(orders[:pick]))
    pick_csv = time.perf_counter() - started

    started = time.perf_counter()
    exported = export_labels(account, "b2", orders)
    export_s = time.perf_counter() - started

    lines = list(csv.reader(io.StringIO(exported.data.decode("cp932"), newline="")))
    issued = [lines[0]] + [[*row[:3], f"4{n:011d}", *row[4:]] for n, row in enumerate(lines[1:])]
    text = io.StringIO(newline="")
    csv.writer(text, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(issued)
    started = time.perf_counter()
    report = import_labels(text.getvalue().encode("cp932"), account=account, carrier="b2")
    import_s = time.perf_counter() - started
    assert report.ok, [str(e) for e in report.errors[:5]]
    return {"picked_orders": pick, "pick_rows": len(rows), "pick_pdf_bytes": len(pdf),
            "pick_pdf_s": round(pick_pdf, 2), "pick_pdf_warm_s": round(pick_pdf_warm, 2),
            "pick_csv_s": round(pick_csv, 2), "label_orders": len(orders),
            "label_rows": exported.rows, "label_problems": len(exported.problems), "export_s": round(export_s, 2),
            "import_s": round(import_s, 2), "shipments": Shipment.objects.count()}


if __name__ == "__main__":
    sys.exit(main())
