"""Shared set-up for the inventory benchmarks: a throwaway database, a sandbox process, bulk test data.

Never imported by the application or the tests. Each benchmark calls ``configure()`` before Django is
set up, so it runs on its own SQLite file under a temporary directory (or on DATABASE_URL if given).
"""

from __future__ import annotations

import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SECRET, LICENSE = "SP000001_sandboxsecret", "SL000001_sandboxlicense"
FERNET_KEY = "dA4_VW8HacCbBIqILOZmY5g5bMD1tZ_56Fpr1krz7N8="


def configure(var_dir: str | None = None, **extra: str) -> dict[str, str]:
    """Environment for this process and its children: fresh var/ dir, no rate limits unless asked."""
    var_dir = var_dir or tempfile.mkdtemp(prefix="bench-inventory-")
    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "False",
        "SECRET_KEY": "bench-secret",
        "ALLOWED_HOSTS": "*",
        "FIELD_ENCRYPTION_KEY": FERNET_KEY,
        "RAKUTEN_LINK_VAR_DIR": var_dir,
        "EMAIL_URL": "memorymail://",
        "LOG_LEVEL": "WARNING",
        **extra,
    }
    for family in ("ORDER", "INVENTORY_WRITE", "INVENTORY_READ", "ITEMS", "LICENSE"):
        env.setdefault(f"RMS_RATE_{family}", "0")
    os.environ.update(env)
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return {**os.environ}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SandboxProcess:
    """`python -m rakuten_link.sandbox` in its own process, so its memory is not ours."""

    def __init__(self, seed: str = "empty") -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [sys.executable, "-m", "rakuten_link.sandbox", "--port", str(self.port), "--seed", seed]
        self.process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                self.control("GET", "health")
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("the sandbox did not start")
        self.control("POST", "credentials", {"serviceSecret": SECRET, "licenseKey": LICENSE, "shop": "000001"})

    def control(self, method: str, path: str, body: dict | None = None) -> dict:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(f"{self.url}/_sandbox/{path}", data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            raw = response.read()
        return json.loads(raw) if raw else {}

    def quantity(self, manage_number: str, variant_id: str) -> int | None:
        rows = self.control("GET", f"inventory?manageNumber={manage_number}&variantId={variant_id}")["inventories"]
        return rows[0]["quantity"] if rows else None

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def build_shop(mappings: int, *, variants_per_item: int = 20, seed: int = 1):
    """One account over two stores, ``mappings`` SKUs each mapped once, stock everywhere; all already pushed.

    Stock rows are created in bulk on purpose (set-up, not the ledger under test).
    """
    from accounts.models import EcAccount
    from inventory.models import Product, Sku, StockLevel, Store
    from rakuten_link.models import ProductMapping

    rng = random.Random(seed)
    stores = [Store.objects.create(code=f"B{n}", name=f"bench {n}") for n in range(2)]
    account = EcAccount.objects.create(name="bench", shop_url="https://www.rakuten.co.jp/bench/",
                                       service_secret=SECRET, license_key=LICENSE, safety_stock=1)
    account.stores.set(stores)
    items = (mappings + variants_per_item - 1) // variants_per_item
    Product.objects.bulk_create(Product(code=f"P{i:06d}", name=f"p{i}") for i in range(items))
    products = list(Product.objects.order_by("pk").values_list("pk", flat=True))
    Sku.objects.bulk_create(
        (Sku(code=f"S{n:07d}", product_id=products[n // variants_per_item], name=f"s{n}") for n in range(mappings)),
        batch_size=2000,
    )
    sku_ids = list(Sku.objects.order_by("pk").values_list("pk", flat=True))
    on_hand = {sku: (rng.randint(0, 20), rng.randint(0, 20)) for sku in sku_ids}
    StockLevel.objects.bulk_create(
        (StockLevel(store=store, sku_id=sku, on_hand=on_hand[sku][i]) for sku in sku_ids
         for i, store in enumerate(stores)),
        batch_size=2000,
    )
    ProductMapping.objects.bulk_create(
        (ProductMapping(account=account, manage_number=f"item{n // variants_per_item:05d}",
                        variant_id=f"v{n % variants_per_item:03d}", sku_id=sku, status="ok",
                        last_pushed_quantity=max(0, sum(on_hand[sku]) - 1)) for n, sku in enumerate(sku_ids)),
        batch_size=2000,
    )
    return account, stores, sku_ids


def change_stock(store, sku_ids: list[int], count: int, *, seed: int = 2) -> list[int]:
    """Add one unit to ``count`` random SKUs in one store (bulk, bypassing the ledger: set-up only)."""
    from django.db.models.functions import Now

    from inventory.models import StockLevel

    chosen = random.Random(seed).sample(sku_ids, count)
    for start in range(0, count, 500):
        StockLevel.objects.filter(store=store, sku_id__in=chosen[start:start + 500]).update(
            on_hand=_plus_one(), updated_at=Now())  # stamped as the ledger stamps it (sync/inventory/changes.py)
    return chosen


def _plus_one():
    from django.db.models import F

    return F("on_hand") + 1
