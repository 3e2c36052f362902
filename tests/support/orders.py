"""make_order: orders made directly in the database, no RMS involved (shared by the order and admin tests)."""

from __future__ import annotations

import itertools

import pytest
from django.utils import timezone

from orders.models import Order, OrderLine, OrderPackage

_numbers = itertools.count(1)


@pytest.fixture
def make_order(db):
    """make_order(account, lines=[(sku_or_None, units), ...], **order_fields) → an order with one package."""

    def make(account, lines=(), **fields) -> Order:
        n = next(_numbers)
        values = {"order_number": f"000001-20250101-{n:08d}", "order_progress": 100, "ordered_at": timezone.now(),
                  "buyer_name": "楽天 太郎", "buyer_phone": "090-1234-5678", "request_price": 1000}
        values.update(fields)
        order = Order.objects.create(account=account, **values)
        package = OrderPackage.objects.create(order=order, basket_id=n, recipient_name="楽天 花子",
                                              recipient_address="東京都渋谷区")
        for index, (sku, units) in enumerate(lines, start=1):
            OrderLine.objects.create(order=order, package=package, item_detail_id=n * 100 + index, name=f"商品{index}",
                                     manage_number=f"item{index}", price=1000, units=units, sku=sku)
        return order

    return make
