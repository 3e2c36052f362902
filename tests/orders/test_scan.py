"""Scan-to-ship: units scanned against the order, wrong items refused and logged, parcels per package."""

from __future__ import annotations

from datetime import date

import pytest

from orders.models import EventKind, OrderEvent, OrderPackage, Shipment
from orders.scan import ScanError, find_order, is_complete, lines_of, scan_item, ship_scanned
from orders.services import allocate_order


@pytest.fixture
def order(make_account, make_store, make_sku, set_stock, make_order):
    store = make_store("S1")
    account = make_account(stores=[store])
    tee, cap = make_sku("TEE-M"), make_sku("CAP-1")
    tee.jan_code = "4901234567894"
    tee.save()
    for sku in (tee, cap):
        set_stock(store, sku, 10)
    made = make_order(account, [(tee, 2), (cap, 1)], order_progress=300)
    second = OrderPackage.objects.create(order=made, basket_id=made.packages.get().basket_id + 1,
                                         recipient_name="楽天 次郎")
    made.lines.filter(sku=cap).update(package=second)
    return allocate_order(made)


def test_units_are_counted_a_wrong_item_is_refused_and_every_scan_is_on_the_timeline(order):
    assert find_order(order.order_number) == order
    scan_item(order, "４９０１２３４５６７８９４")  # a JAN, as a scanner in full-width mode types it
    with pytest.raises(ScanError):
        scan_item(order, "NOPE-1")
    with pytest.raises(ScanError):
        ship_scanned(order, delivery_company="1001", shipped_on=date(2026, 5, 2), tracking={})
    scan_item(order, "TEE-M")
    with pytest.raises(ScanError):  # both units of the T-shirt are in
        scan_item(order, "TEE-M")
    scan_item(order, "CAP-1")
    assert is_complete(lines_of(order))
    kinds = list(OrderEvent.objects.filter(order=order, kind__in=[EventKind.SCANNED, EventKind.SCAN_REFUSED])
                 .order_by("id").values_list("kind", flat=True))
    assert kinds == ["scanned", "scan_refused", "scanned", "scan_refused", "scanned"]
    baskets = sorted(order.packages.values_list("basket_id", flat=True))
    made = ship_scanned(order, delivery_company="1001", shipped_on=date(2026, 5, 2),
                        tracking={baskets[0]: "400000000001", baskets[1]: ""})
    assert sorted((s.package.basket_id, s.tracking_number) for s in made) == [(baskets[0], "400000000001"),
                                                                             (baskets[1], "")]
    order.refresh_from_db()
    assert order.state == "shipped" and Shipment.objects.filter(order=order).count() == 2
    with pytest.raises(ScanError):  # shipped: nothing more to pack
        find_order(order.order_number)
