"""Shipments against the sandbox: orders made there, fetched by the real orders job, shipped here."""

from __future__ import annotations

from datetime import date

import pytest

from orders.models import Order, Shipment
from orders.shipping import record_shipment
from rakuten_link.sync.jobs import run_account_job

SHIP_DAY = date(2026, 5, 2)
UPDATE = "rpay.order.updateOrderShipping"
SUBMIT = "rpay.order.updateOrderShippingAsync"
RESULT = "rpay.order.getResultUpdateOrderShippingAsync"
GET_ORDER = "rpay.order.getOrder"


def item(variant: str = "tee01-m-blk", units: int = 1) -> dict:
    return {"ItemModelList": [{"manageNumber": variant.split("-")[0], "variantId": variant, "units": units}]}


@pytest.fixture
def make_orders(order_shop, rms_orders):
    """make_orders(count, packages=1, progress=300) → our Order rows of new sandbox orders, fetched by the job."""

    def make(count: int = 1, *, packages: int = 1, progress: int = 300) -> list[Order]:
        partial = {"orderProgress": progress, "PackageModelList": [item() for _ in range(packages)]}
        numbers = rms_orders.create(*[partial] * count)
        run = run_account_job(order_shop.account, "orders")
        assert run.status == "success", run.error
        found = {o.order_number: o for o in Order.objects.filter(order_number__in=numbers)}
        return [found[n] for n in numbers]

    return make


@pytest.fixture
def ship(order_shop):
    """ship(package, number, company="1001", day=SHIP_DAY) → a shipment recorded the way staff record one."""

    def record(package, number: str, company: str = "1001", day: date = SHIP_DAY) -> Shipment:
        store = order_shop.account.stores.get()
        return record_shipment(package=package, delivery_company=company, tracking_number=number, shipped_on=day,
                               store=store)

    return record


@pytest.fixture
def report(order_shop):
    """report(expect="success") → the SyncRun of one `shipments` run."""

    def run(expect: str = "success"):
        result = run_account_job(order_shop.account, "shipments")
        assert result.status == expect, (result.status, result.error)
        return result

    return run


@pytest.fixture
def rows_in_rms(rms_orders):
    """rows_in_rms(order) → {basketId: [(shippingDetailId, company, number, date), ...]} as the sandbox holds them."""

    def read(order: Order) -> dict[int, list[tuple]]:
        sent = rms_orders.get(order.order_number)
        return {p["basketId"]: [(r["shippingDetailId"], r["deliveryCompany"], r["shippingNumber"], r["shippingDate"])
                                for r in p["ShippingModelList"]] for p in sent["PackageModelList"]}

    return read


def ours(order: Order) -> dict[int, list[tuple]]:
    """Our live shipments in the same shape, with the stored external id as an int."""
    rows: dict[int, list[tuple]] = {p.basket_id: [] for p in order.packages.all()}
    for s in Shipment.objects.filter(order=order, deleted=False).select_related("package").order_by("created_at", "pk"):
        rows[s.package.basket_id].append((int(s.external_id) if s.external_id else None, s.delivery_company,
                                          s.tracking_number, s.shipped_on.isoformat()))
    return rows


def states(order: Order) -> list[str]:
    found = Shipment.objects.filter(order=order).order_by("created_at", "pk")
    return list(found.values_list("report_state", flat=True))
