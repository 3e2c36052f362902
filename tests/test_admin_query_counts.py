"""The busy admin pages run as many queries for 30 rows as for 3: nothing is read once per row shown.

Times are measured by bench/bench_admin.py, not here; this guards the shape of each page.
"""

import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from inventory.models import MovementKind, StockMovement
from orders.services import allocate_order
from rakuten_link.models import ApiCall, ProductMapping, RunStatus, SyncRun

_n = itertools.count(1)

PAGES = {
    "index": ("admin:index", {}),
    "orders": ("admin:orders_order_changelist", {}),
    "orders, a filter": ("admin:orders_order_changelist", {"progress": "100"}),
    "orders, today": ("admin:orders_order_changelist", {"ordered_at__gte": "2000-01-01 00:00:00+09:00"}),
    "orders, by number": ("admin:orders_order_changelist", {"q": "000001-20250101-00000001"}),
    "orders, by last digits": ("admin:orders_order_changelist", {"q": "0001"}),
    "orders, by phone": ("admin:orders_order_changelist", {"q": "09012345678"}),
    "orders, by e-mail": ("admin:orders_order_changelist", {"q": "buyer@pc.fw.rakuten.ne.jp"}),
    "orders, by name": ("admin:orders_order_changelist", {"q": "楽天"}),
    "SKUs": ("admin:inventory_sku_changelist", {}),
    "products": ("admin:inventory_product_changelist", {}),
    "stock": ("admin:inventory_stocklevel_changelist", {}),
    "ledger": ("admin:inventory_stockmovement_changelist", {}),
    "mappings": ("admin:rakuten_link_productmapping_changelist", {}),
    "sync runs": ("admin:rakuten_link_syncrun_changelist", {"runs": "all"}),
    "API calls": ("admin:rakuten_link_apicall_changelist", {}),
}


@pytest.fixture
def shop(make_account, make_store, make_sku, set_stock, make_order, admin_user):
    store = make_store()
    account = make_account("楽天本店", stores=[store])

    def grow(count: int) -> None:
        """``count`` more of everything the pages list: products with SKUs, stock, mappings, orders, logs."""
        for _ in range(count):
            n = next(_n)
            sku = make_sku()
            set_stock(store, sku, 10)
            ProductMapping.objects.create(account=account, manage_number=f"item{n}", variant_id="v1", sku=sku)
            allocate_order(make_order(account, [(sku, 1), (None, 1)], buyer_email="buyer@pc.fw.rakuten.ne.jp"))
            StockMovement.objects.create(store=store, sku=sku, kind=MovementKind.ADJUSTMENT, quantity=1,
                                         on_hand_after=11, created_by=admin_user)
            run = SyncRun.objects.create(account=account, kind="orders", status=RunStatus.SUCCESS,
                                         finished_at=timezone.now(), counts={"orders": 1}, summary="1件")
            ApiCall.objects.create(account=account, sync_run=run, function="searchOrder", method="POST", path="/")

    return {"grow": grow, "account": account}


def _queries(client, url: str, params: dict) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params).status_code == 200
    return len(queries)


def test_every_busy_page_costs_the_same_queries_for_3_rows_as_for_30(admin_client, shop, django_assert_num_queries):
    shop["grow"](3)
    order = shop["account"].orders.first()
    pages = {**PAGES, "one order": ("admin:orders_order_change", {"args": [order.pk]})}

    def url(name: str, params: dict) -> tuple[str, dict]:
        params = dict(params)
        return reverse(name, args=params.pop("args", ())), params

    small = {}
    for page, (name, params) in pages.items():
        admin_client.get(*url(name, params))  # sessions and caches settle on the first fetch
        small[page] = _queries(admin_client, *url(name, params))
    shop["grow"](27)
    for page, (name, params) in pages.items():
        with django_assert_num_queries(small[page], info=page):
            assert admin_client.get(*url(name, params)).status_code == 200, page


def test_a_list_longer_than_its_cap_says_so_and_offers_only_its_first_pages(admin_client, shop, monkeypatch):
    from django.contrib import admin

    from orders.models import Order

    shop["grow"](4)
    monkeypatch.setattr(admin.site._registry[Order], "list_count_cap", 3)
    monkeypatch.setattr(admin.site._registry[Order], "list_per_page", 2)
    page = admin_client.get(reverse("admin:orders_order_changelist")).content.decode()
    assert "受注 3件以上" in page and "3件以上をすべて選択" in page  # never "3 orders"
    assert admin_client.get(reverse("admin:orders_order_changelist"), {"p": 2}).status_code == 200
    assert admin_client.get(reverse("admin:orders_order_changelist"), {"p": 3}).status_code == 302  # past the cap
    assert "_facets" not in page  # no count per filter choice over the whole table either
