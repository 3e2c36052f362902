"""The picking list: units the orders hold per store and SKU, walked by 棚番, with the orders beside them."""

from __future__ import annotations

import csv
import io
import re

from django.urls import reverse

from inventory.models import StockLevel
from orders import barcode
from orders.models import Order
from orders.picking import picking_pdf, picking_rows
from orders.services import allocate_order


def test_rows_sum_units_per_sku_sorted_by_location_then_code(make_account, make_store, make_sku, set_stock,
                                                             make_order):
    store = make_store("S1")
    account = make_account(stores=[store])
    a, b, c = make_sku("A-1"), make_sku("B-1"), make_sku("C-1")
    for sku in (a, b, c):
        set_stock(store, sku, 10)
    StockLevel.objects.filter(sku=c).update(location="01-01")
    StockLevel.objects.filter(sku=b).update(location="02-05")
    first = allocate_order(make_order(account, [(a, 2), (c, 1)]))
    second = allocate_order(make_order(account, [(a, 1), (b, 3)]))
    rows = picking_rows(Order.objects.filter(pk__in=[first.pk, second.pk]))
    assert [(r.sku_code, r.location, r.units) for r in rows] == [("C-1", "01-01", 1), ("B-1", "02-05", 3),
                                                                   ("A-1", "", 3)]
    assert rows[2].orders == {first.order_number: 2, second.order_number: 1}


def test_code128_checksum_and_width():
    codes = barcode.symbols("4901234567894")
    assert codes[0] == 104 and codes[-1] == 106
    assert codes[-2] == (104 + sum(i * v for i, v in enumerate(codes[1:-2], start=1))) % 103
    svg = barcode.svg("AB")
    # start, A, B and the checksum have three bars each, the stop four; 11 modules a symbol, 13 the stop, 10 each side
    assert len(re.findall(r"M\d", svg)) == 4 * 3 + 4 and 'width="77"' in svg


def test_picking_list_actions_give_csv_and_a_pdf_of_100_orders(
        admin_client, make_account, make_store, make_sku, set_stock, make_order):
    store = make_store("S1")
    account = make_account(stores=[store])
    skus = [make_sku(f"SKU-{n:02d}") for n in range(10)]
    for sku in skus:
        set_stock(store, sku, 1000)
    skus[0].jan_code = "4901234567894"
    skus[0].save()
    orders = [allocate_order(make_order(account, [(skus[n % 10], 1), (skus[(n + 3) % 10], 2)])) for n in range(100)]
    data = {"action": "picking_list_csv", "_selected_action": [o.pk for o in orders]}
    response = admin_client.post(reverse("admin:orders_order_changelist"), data)
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 11 and sum(int(r[6]) for r in rows[1:]) == 300
    pdf = picking_pdf(picking_rows(orders))  # its time is bench/bench_shipping_desk.py's, not a test's
    assert pdf.startswith(b"%PDF")


def test_staff_set_the_location_on_the_stock_page_without_touching_the_counts(admin_client, make_store, make_sku,
                                                                               set_stock):
    level = set_stock(make_store("S1"), make_sku("A-1"), 7)
    url = reverse("admin:inventory_stocklevel_change", args=[level.pk])
    admin_client.post(url, {"location": "03-02"})
    level.refresh_from_db()
    assert (level.location, level.on_hand) == ("03-02", 7)
