"""CSV upload benchmark: a 20 MB file on each of the four upload pages, valid and all-bad, time and peak memory.

    .venv/bin/python bench/bench_uploads.py                          # every page, both files
    .venv/bin/python bench/bench_uploads.py --pages stock,skus --mb 10

One SQLite database is prepared in a temp dir (a superuser, an account with two stores, the SKUs and
orders the valid files name) and copied for each upload, so each one starts from the same state. Each
upload runs in a fresh Python process, as a web worker would: Django set up, the page requested once
(templates and URLconf loaded), then the file POSTed through Django's request handler with the body
streamed from disk as a WSGI server hands it over (the test client would build the whole body in memory
first and inflate the figure). "rss_mb" is that process's peak resident size (VmHWM from /proc; ru_maxrss
would carry the parent's peak over the fork), "base_mb" its peak before the upload. Pages with a preview
are confirmed too: "seconds" is the preview, "confirm_seconds" the confirm; "cpu_seconds" the CPU time of
this process (SQLite's work included), the fairer figure on a shared machine. The last line printed is one
JSON object. Targets: rss_mb < 150 and seconds < 10 for 20 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PAGES = {
    "stock": "/admin/inventory/stocklevel/import/",
    "skus": "/admin/inventory/sku/import/",
    "mappings": "/admin/rakuten_link/productmapping/import/",
    "shipments": "/admin/orders/order/shipments/import/",
}
LIMIT = 20 * 1024 * 1024  # the upload forms' limit


def main() -> int:
    args = _arguments()
    if args.child:
        _child(args)
        return 0
    workdir = Path(tempfile.mkdtemp(prefix="bench-uploads-"))
    try:
        size = min(int(args.mb * 1024 * 1024), LIMIT - 1024)
        rows = _prepare(workdir, size, args.pages, args.kinds)
        results = {}
        for page in args.pages:
            for kind in args.kinds:
                results[f"{page}/{kind}"] = _measure(workdir, page, kind, args.timeout, args.worker)
                print(f"{page}/{kind}: {json.dumps(results[f'{page}/{kind}'], ensure_ascii=False)}", flush=True)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(json.dumps({"mb": args.mb, "rows": rows, "uploads": results}, ensure_ascii=False))
    return 0


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--pages", type=lambda text: text.split(","), default=list(PAGES))
    parser.add_argument("--mb", type=float, default=20.0, help="file size (at most just under 20 MB)")
    parser.add_argument("--kinds", type=lambda text: text.split(","), default=["valid", "bad"])
    parser.add_argument("--timeout", type=int, default=900, help="seconds one upload may take")
    parser.add_argument("--worker", action="store_true",
                        help="also run the upload jobs in the child, as the qcluster would (worker time)")
    parser.add_argument("--child", nargs=2, metavar=("PAGE", "KIND"), help=argparse.SUPPRESS)
    parser.add_argument("--workdir", help=argparse.SUPPRESS)
    return parser.parse_args()


def _configure_django(workdir: Path, database: Path) -> None:
    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "False",
        "SECRET_KEY": "bench-uploads",
        "ALLOWED_HOSTS": "*",
        "SESSION_COOKIE_SECURE": "False",
        "CSRF_COOKIE_SECURE": "False",
        "FIELD_ENCRYPTION_KEY": "dA4_VW8HacCbBIqILOZmY5g5bMD1tZ_56Fpr1krz7N8=",
        "DATABASE_URL": f"sqlite:///{database}",
        "RAKUTEN_LINK_VAR_DIR": str(workdir),
        "EMAIL_URL": "memorymail://",
    })
    import django

    django.setup()


# --- the parent: database, files, one child per upload -------------------------------------------------

def _prepare(workdir: Path, size: int, pages: list[str], kinds: list[str]) -> dict:
    files = {page: {kind: _rows(page, kind) for kind in kinds} for page in pages}
    counts = {}
    for page, kinds in files.items():
        for kind, rows in kinds.items():
            counts[f"{page}/{kind}"] = _write_csv(workdir / f"{page}-{kind}.csv", rows, size)
    _configure_django(workdir, workdir / "template.sqlite3")
    _seed(max(counts.get("stock/valid", 0) // 2, counts.get("mappings/valid", 0)) + 1,
          counts.get("shipments/valid", 0))
    from django.db import connection

    with connection.cursor() as cursor:  # the copies take the main file only: nothing may stay in the WAL
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    return counts


def _rows(page: str, kind: str):
    """(header, row maker n -> line); the valid rows name SKUs / orders _seed creates."""
    bad = kind == "bad"
    if page == "stock":
        return "店舗コード,SKUコード,数量", lambda n: f"S0{1 + n % 2},{'NOPE' if bad else 'SKU'}-{n // 2:07d},{n % 50}"
    if page == "skus":
        return ("商品コード,商品名,価格,SKUコード,SKU名,JANコード,選択肢名1,選択肢1,選択肢名2,選択肢2",
                lambda n: f"P{n // 4:07d},ロゴTシャツ {n // 4},2980,P{n // 4:07d}-{n % 4},ロゴTシャツ {n // 4} "
                          f"{'SMLX'[n % 4]},{'4.90E+12' if bad else ''},サイズ,{'SMLX'[n % 4]},カラー,ブラック")
    if page == "mappings":
        return ("商品管理番号,SKU管理番号,SKUコード,安全在庫",
                lambda n: f"item-{n // 10:07d},item-{n // 10:07d}-v{n % 10},{'NOPE' if bad else 'SKU'}-{n:07d},")
    return ("注文番号,配送会社,お問い合わせ番号,発送日",
            lambda n: f"{'999999' if bad else '100000'}-20260501-{n:08d},1001,{4000_0000_0000 + n},2026-05-02")


def _write_csv(path: Path, rows, size: int) -> int:
    header, make = rows
    written, n = 0, 0
    with path.open("wb") as out:
        line = (header + "\r\n").encode("utf-8")
        while written + len(line) <= size:
            out.write(line)
            written += len(line)
            line = (make(n) + "\r\n").encode("utf-8")
            n += 1
    return n - 1


def _seed(skus: int, orders: int) -> None:
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.utils import timezone

    from accounts.models import EcAccount
    from inventory.models import Product, Sku, StockLevel, Store
    from orders.models import Order, OrderPackage

    call_command("migrate", verbosity=0)
    User.objects.create_superuser("bench", "bench@example.com", "bench")
    stores = [Store.objects.create(code=f"S0{n}", name=f"店舗{n}") for n in (1, 2)]
    account = EcAccount.objects.create(name="楽天ベンチ店", shop_url="https://www.rakuten.co.jp/bench/",
                                       service_secret="SP000001_x", license_key="SL000001_x")
    account.stores.set(stores)
    for start in range(0, skus, 20_000):
        numbers = range(start, min(start + 20_000, skus))
        products = Product.objects.bulk_create([Product(code=f"BP{n // 20:07d}", name=f"商品{n // 20}")
                                                for n in numbers if n % 20 == 0 or n == start])
        by_code = {p.code: p for p in products}
        made = Sku.objects.bulk_create([Sku(code=f"SKU-{n:07d}", product=by_code[f"BP{n // 20:07d}"],
                                            name=f"SKU {n}") for n in numbers], batch_size=5000)
        levels = [StockLevel(store=store, sku=sku, on_hand=7) for sku in made for store in stores]
        StockLevel.objects.bulk_create(levels, batch_size=5000)  # a stocktake counts stock the system knows
    now = timezone.now()
    for start in range(0, orders, 10_000):
        numbers = range(start, min(start + 10_000, orders))
        made = Order.objects.bulk_create([
            Order(account=account, order_number=f"100000-20260501-{n:08d}", order_progress=300, ordered_at=now,
                  buyer_name="楽天 太郎", request_price=1000) for n in numbers], batch_size=2000)
        OrderPackage.objects.bulk_create([OrderPackage(order=order, basket_id=n, recipient_name="楽天 花子")
                                          for n, order in zip(numbers, made, strict=True)], batch_size=2000)


def _measure(workdir: Path, page: str, kind: str, timeout: int, worker: bool) -> dict:
    database = workdir / f"run-{uuid.uuid4().hex}.sqlite3"
    shutil.copyfile(workdir / "template.sqlite3", database)
    command = [sys.executable, __file__, "--child", page, kind, "--workdir", str(workdir)]
    command += ["--worker"] if worker else []
    env = {**os.environ, "BENCH_DATABASE": str(database)}
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=env, check=False)
    except subprocess.TimeoutExpired as exc:  # the preview's figures were printed before the confirm began
        printed = (exc.stdout or b"").decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        lines = printed.strip().splitlines()
        return {**(json.loads(lines[-1]) if lines else {}), "error": f"no answer within {timeout} s"}
    finally:
        database.unlink(missing_ok=True)
    lines = done.stdout.strip().splitlines()
    if done.returncode or not lines:
        return {"error": (done.stderr or done.stdout).strip().splitlines()[-3:]}
    return json.loads(lines[-1])


# --- the child: one upload, as one web worker sees it ---------------------------------------------------

def _child(args) -> None:
    """Prints the figures after the preview, and again (with the confirm's) after the confirm."""
    page, kind = args.child
    workdir = Path(args.workdir)
    _configure_django(workdir, Path(os.environ["BENCH_DATABASE"]))
    from django.contrib.auth.models import User
    from django.test import Client
    from django.test.client import ClientHandler

    from accounts.models import EcAccount

    client = Client()
    client.force_login(User.objects.get(username="bench"))
    cookie = "; ".join(f"{key}={morsel.value}" for key, morsel in client.cookies.items())
    handler = ClientHandler(enforce_csrf_checks=False)
    url = PAGES[page]
    assert client.get(url).status_code == 200  # templates, URLconf and translations loaded
    fields = {} if page in ("stock", "skus") else {"account": str(EcAccount.objects.get().pk)}
    base = _rss_mb()
    body = _multipart(workdir / f"{page}-{kind}.csv", fields, workdir)
    started, cpu = time.perf_counter(), time.process_time()
    response = _post(handler, url, body, cookie)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    html = response.content.decode()
    figures = {"status": response.status_code, "seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2),
               "page_kb": len(html) // 1024}
    errors = re.search(r"<h2>([^<]*(?:error|エラー)[^<]*)</h2>", html)
    figures.update(errors=errors.group(1).strip() if errors else "", base_mb=round(base), rss_mb=round(_rss_mb()))
    print(json.dumps(figures, ensure_ascii=False), flush=True)
    if response.status_code == 302 and "/jobs/" in response["Location"]:
        html = _job(client, response["Location"], figures, "check", args.worker)
    token = re.search(r'name="preview_token" value="([0-9a-f]{32})"', html)
    if token:
        confirm = f"preview_token={token.group(1)}&confirm=1".encode()
        started, cpu = time.perf_counter(), time.process_time()
        response = _post(handler, url, (confirm, "application/x-www-form-urlencoded"), cookie)
        figures.update(confirm_status=response.status_code, confirm_seconds=round(time.perf_counter() - started, 2),
                       confirm_cpu_seconds=round(time.process_time() - cpu, 2))
        if response.status_code == 302 and "/jobs/" in response["Location"]:
            _job(client, response["Location"], figures, "write", args.worker)
    first = re.search(r'<tr class="import-error">(.*?)</tr>', html)
    figures.update(rss_mb=round(_rss_mb()))
    if first:
        figures["first_error"] = re.sub(r"<[^>]+>", " ", first.group(1)).strip()
    print(json.dumps(figures, ensure_ascii=False), flush=True)


def _job(client, url: str, figures: dict, phase: str, worker: bool) -> str:
    """The web side of a big upload: its progress page; with --worker, the job run here and the page after."""
    started = time.perf_counter()
    assert client.get(url).status_code == 200
    figures[f"{phase}_progress_page_seconds"] = round(time.perf_counter() - started, 2)
    figures["web_rss_mb"] = round(_rss_mb())
    if not worker:
        return ""
    from inventory.models import UploadJob
    from inventory.upload_jobs import run_upload_job

    started, cpu = time.perf_counter(), time.process_time()
    run_upload_job(UploadJob.objects.latest("pk").pk)
    figures.update({f"{phase}_worker_seconds": round(time.perf_counter() - started, 2),
                    f"{phase}_worker_cpu_seconds": round(time.process_time() - cpu, 2),
                    "worker_rss_mb": round(_rss_mb())})
    response = client.get(url)
    return response.content.decode() if response.status_code == 200 else ""


def _multipart(csv_path: Path, fields: dict, workdir: Path) -> tuple[Path, str]:
    """The request body on disk, as a browser sends it; streamed to the handler like a socket would be."""
    boundary = uuid.uuid4().hex
    path = workdir / f"body-{boundary}.bin"
    with path.open("wb") as out:
        for name, value in fields.items():
            out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="upload.csv"\r\n'
                  f"Content-Type: text/csv\r\n\r\n".encode())
        with csv_path.open("rb") as source:
            shutil.copyfileobj(source, out, 1 << 20)
        out.write(f"\r\n--{boundary}--\r\n".encode())
    return path, f"multipart/form-data; boundary={boundary}"


def _post(handler, url: str, body, cookie: str):
    content, content_type = body
    stream = content.open("rb") if isinstance(content, Path) else __import__("io").BytesIO(content)
    length = content.stat().st_size if isinstance(content, Path) else len(content)
    environ = {"REQUEST_METHOD": "POST", "PATH_INFO": url, "QUERY_STRING": "", "SERVER_NAME": "testserver",
               "SERVER_PORT": "443", "SERVER_PROTOCOL": "HTTP/1.1", "HTTP_HOST": "testserver",
               "HTTP_COOKIE": cookie, "CONTENT_TYPE": content_type, "CONTENT_LENGTH": str(length),
               "wsgi.input": stream, "wsgi.url_scheme": "https", "wsgi.errors": sys.stderr,
               "wsgi.multithread": False, "wsgi.multiprocess": True, "wsgi.run_once": False,
               "wsgi.version": (1, 0)}
    with stream:
        response = handler(environ)
    if hasattr(response, "render") and not response.is_rendered:
        response.render()
    return response


def _rss_mb(field: str = "VmHWM") -> float:
    """This process's peak RSS (VmHWM). Not ru_maxrss: Linux copies the parent's value into a child on fork,
    so a child would report the benchmark's own peak (the seeding) instead of its own."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    sys.exit(main())
