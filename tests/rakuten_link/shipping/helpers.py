"""Orders made in the sandbox and fetched by the real orders job (shared by the shipping and admin tests)."""

from __future__ import annotations

from inventory.models import StockLevel
from orders.models import Order
from rakuten_link.sync.jobs import run_account_job

VARIANT = "tee01-m-blk"


def item(variant: str = VARIANT, units: int = 1) -> dict:
    return {"ItemModelList": [{"manageNumber": variant.split("-")[0], "variantId": variant, "units": units}]}


def fetch_new(account, rms_orders, count: int = 1, *, packages: int = 1, progress: int = 100) -> list[Order]:
    """``count`` new sandbox orders of one unit of VARIANT per package, fetched (and allocated) here."""
    partial = {"orderProgress": progress, "PackageModelList": [item() for _ in range(packages)]}
    numbers = rms_orders.create(*[partial] * count)
    run = run_account_job(account, "orders")
    assert run.status == "success", run.error
    found = {o.order_number: o for o in Order.objects.filter(order_number__in=numbers)}
    return [found[n] for n in numbers]


def stock(store, sku) -> tuple[int, int]:
    """(on hand, allocated) of one SKU in one store."""
    level = StockLevel.objects.get(store=store, sku=sku)
    return level.on_hand, level.allocated
