"""The stock-semantics migration keeps every sellable quantity and closes what shipped orders held."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("orders", "0004_order_refreshed_at"), ("inventory", "0001_initial")]
AFTER = [("orders", "0005_stock_allocated_conversion"), ("inventory", "0002_stock_allocated")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _migrate_to_latest():
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def _old_order(apps, account, store, sku, number, state, units, detail):
    Order, OrderPackage, OrderLine = (apps.get_model("orders", n) for n in ("Order", "OrderPackage", "OrderLine"))
    StockMovement = apps.get_model("inventory", "StockMovement")
    order = Order.objects.create(account=account, order_number=number, order_progress=300, state=state,
                                 ordered_at=timezone.now(), request_price=1000)
    package = OrderPackage.objects.create(order=order, basket_id=detail)
    OrderLine.objects.create(order=order, package=package, item_detail_id=detail, name="商品", manage_number="m",
                             price=1000, units=units, sku=sku, allocated_units=units)
    StockMovement.objects.create(store=store, sku=sku, kind="order_allocation", quantity=-units, on_hand_after=0,
                                 reference=number,
                                 idempotency_key=f"order-line:{account.pk}:{number}:{detail}:alloc:store:{store.pk}")


@pytest.mark.django_db(transaction=True)
def test_sellable_stock_is_the_same_before_and_after_and_shipped_orders_hold_nothing():
    apps = _migrate(BEFORE)
    Store, Product, Sku, StockLevel = (apps.get_model("inventory", n) for n in ("Store", "Product", "Sku",
                                                                                "StockLevel"))
    account = apps.get_model("accounts", "EcAccount").objects.create(
        name="移行店", shop_url="https://www.rakuten.co.jp/m/", service_secret="SP1_x", license_key="SL1_x")
    store = Store.objects.create(code="S1", name="本店")
    sku = Sku.objects.create(code="TEE-M", name="T", product=Product.objects.create(code="TEE", name="T"))
    _old_order(apps, account, store, sku, "000001-20250101-00000001", "allocated", 3, 1)
    _old_order(apps, account, store, sku, "000001-20250101-00000002", "shipped", 2, 2)
    StockLevel.objects.create(store=store, sku=sku, on_hand=5)  # 10 counted once, minus 3 and 2 allocated

    apps = _migrate(AFTER)
    level = apps.get_model("inventory", "StockLevel").objects.get()
    _migrate_to_latest()  # the current models below need the current schema (and later tests too)
    assert (level.on_hand, level.allocated, level.on_hand - level.allocated) == (8, 3, 5)  # sellable still 5

    from orders.models import Order
    from orders.services import mark_shipped

    shipped = Order.objects.get(order_number="000001-20250101-00000002")
    assert shipped.lines.get().shipped_units == 2
    allocated = Order.objects.get(order_number="000001-20250101-00000001")
    lines = list(allocated.lines.all())
    mark_shipped(allocated, lines)
    level.refresh_from_db()
    assert (level.on_hand, level.allocated) == (5, 0)  # the 3 held units left the shelf, once
