"""Set-up and recording for bench_many_shops.py: N shops on one sandbox, and what the cluster did.

Never imported by the application or the tests. The shops are built in bulk (set-up, not the code under
test); everything measured afterwards is done by the real schedules on a real `manage.py qcluster`.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from datetime import datetime

from bench_inventory_support import SandboxProcess

ITEMS_PER_SHOP = 3  # tee01, tee02, polo01 of the demo catalogue: 16 variants per shop
RMS_QUANTITY = 20
DISPATCH = "rakuten_link.tasks.dispatch"
RUN_FOR_ACCOUNT = "rakuten_link.tasks.run_for_account"


def shop_number(n: int) -> str:
    return f"{n:06d}"


def credentials(shop: str) -> tuple[str, str]:
    return f"SP{shop}_bench", f"SL{shop}_bench"


def seed_sandbox(sandbox: SandboxProcess, accounts: int) -> None:
    """Credentials and a few items with stock for every shop (the sandbox rate limits come later)."""
    from rakuten_link.sandbox.state.catalogue import demo_catalogue, item_json

    items = [item_json(entry) for entry in demo_catalogue()[:ITEMS_PER_SHOP]]
    for n in range(1, accounts + 1):
        shop = shop_number(n)
        secret, key = credentials(shop)
        sandbox.control("POST", "credentials", {"serviceSecret": secret, "licenseKey": key, "shop": shop})
        sandbox.control("POST", "items", {"shop": shop, "items": items, "quantity": RMS_QUANTITY})


def build_accounts(accounts: int, *, seed: int = 3) -> list:
    """One EcAccount per shop, each with its own store, SKUs and mappings; every automatic job on."""
    from accounts.models import EcAccount
    from inventory.models import Product, Sku, StockLevel, Store
    from rakuten_link.models import ProductMapping
    from rakuten_link.sandbox.state.catalogue import demo_catalogue

    rng = random.Random(seed)
    catalogue = demo_catalogue()[:ITEMS_PER_SHOP]
    built = []
    for n in range(1, accounts + 1):
        shop = shop_number(n)
        secret, key = credentials(shop)
        store = Store.objects.create(code=f"M{n:02d}", name=f"shop {shop}")
        account = EcAccount.objects.create(
            name=f"bench {shop}", shop_url=f"https://www.rakuten.co.jp/bench{shop}/", service_secret=secret,
            license_key=key, safety_stock=1, job_fetch_orders=True, job_push_inventory=True,
            job_report_shipments=True,
        )
        account.stores.set([store])
        for entry in catalogue:
            product = Product.objects.create(code=f"{shop}-{entry['manageNumber'].upper()}", name=entry["title"])
            for variant in entry["variants"]:
                sku = Sku.objects.create(code=f"{shop}-{variant['merchantDefinedSkuId']}", product=product,
                                         name=variant["variantId"])
                StockLevel.objects.create(store=store, sku=sku, on_hand=rng.randint(5, 30))
                ProductMapping.objects.create(account=account, manage_number=entry["manageNumber"],
                                              variant_id=variant["variantId"], sku=sku,
                                              merchant_defined_sku_id=variant["merchantDefinedSkuId"])
        built.append(account)
    return built


def verify_and_push(accounts: list) -> None:
    """The onboarding flow, in this process: verify the mappings, then push the stock once."""
    from rakuten_link.sync.jobs import run_account_job

    for account in accounts:
        statuses = [run_account_job(account, kind).status for kind in ("mappings", "inventory")]
        if statuses != ["success", "success"]:
            raise RuntimeError(f"set-up of {account.name} failed: {statuses}")


def stock_movement(rng: random.Random, accounts: list) -> None:
    """One receipt or till sale on a random mapped SKU of a random shop, through the real ledger."""
    from inventory.models import StockLevel
    from inventory.services import apply_stock_movement

    account = rng.choice(accounts)
    level = rng.choice(list(StockLevel.objects.filter(store__ec_accounts=account).select_related("store", "sku")))
    sale = level.on_hand > 2 and rng.random() < 0.5
    apply_stock_movement(store=level.store, sku=level.sku, kind="pos_sale" if sale else "receipt",
                         quantity=-1 if sale else 1)


@dataclass
class Tick:
    """One schedule firing as the scheduler did it: its due time and the dispatch task it queued."""

    schedule: str
    due: datetime
    task_id: str
    seen_at: datetime  # when this process noticed next_run move on (± one poll)


@dataclass
class Recorder:
    """Polls Django-Q2's Schedule and Task tables while the cluster runs.

    Schedule rows give each firing's due time (the next_run the scheduler consumed) and the task it queued;
    Task rows are copied as they appear because Django-Q2 keeps only ``save_limit`` (1,000) successes.
    """

    schedules: dict[str, dict] = field(default_factory=dict)  # name → {next_run, minutes, args, kwargs, first}
    ticks: list[Tick] = field(default_factory=list)
    tasks: dict[str, dict] = field(default_factory=dict)

    def start(self) -> None:
        from django_q.models import Schedule

        fields = ("name", "func", "next_run", "minutes", "schedule_type", "args", "kwargs")
        for row in Schedule.objects.values(*fields):
            minutes = row["minutes"] if row["schedule_type"] == Schedule.MINUTES else 24 * 60
            self.schedules[row["name"]] = {**row, "period_s": minutes * 60, "first": row["next_run"]}

    def poll_schedules(self) -> None:
        from django.utils import timezone
        from django_q.models import Schedule

        for row in Schedule.objects.values("name", "next_run", "task"):
            known = self.schedules[row["name"]]
            if row["next_run"] != known["next_run"]:
                self.ticks.append(Tick(row["name"], known["next_run"], row["task"], timezone.now()))
                known["next_run"] = row["next_run"]

    def poll_tasks(self) -> None:
        from django_q.models import Task

        rows = Task.objects.filter(func__in=[DISPATCH, RUN_FOR_ACCOUNT]).exclude(pk__in=list(self.tasks))
        for row in rows.values("id", "func", "args", "kwargs", "group", "started", "stopped", "success"):
            self.tasks[row["id"]] = row


def queue_size() -> int:
    from django_q.brokers import get_broker

    try:
        return get_broker().queue_size() or 0
    except Exception:  # a broker that cannot count is no reason to stop the run
        return -1


def poll_loop(recorder: Recorder, until: float, on_progress, movement, move_every: float, quiet_tail: float) -> None:
    """Until ``until`` (monotonic): schedules each second, tasks every 5 s, a stock movement every
    ``move_every`` s (none in the last ``quiet_tail`` s, so no event push is in flight at the end)."""
    next_tasks = next_move = next_progress = time.monotonic()
    while (now := time.monotonic()) < until:
        recorder.poll_schedules()
        if now >= next_tasks:
            recorder.poll_tasks()
            next_tasks = now + 5
        if move_every and now >= next_move and until - now > quiet_tail:
            movement()
            next_move = now + move_every
        if now >= next_progress:
            on_progress()
            next_progress = now + 30
        time.sleep(max(0.0, 1.0 - (time.monotonic() - now)))
