"""The four CSV upload pages driven the same way: build a file, post it, confirm the preview, count what was written.

Headers are the English spellings every page accepts, so that only the cells carry non-ASCII text. Each page
has an extra 備考/note column the importers ignore: text put there is decoded but changes nothing else.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile

from inventory.models import Product, Sku, StockMovement
from orders.models import Shipment
from rakuten_link.models import ProductMapping


@dataclass
class Page:
    name: str
    url: str
    header: str
    good_row: Callable[[int, str], str]  # (n, note text) -> a valid row
    bad_row: Callable[[int], str]  # n -> a row with one bad cell
    written: Callable[[], int]
    fields: dict
    previews: bool = True

    def csv(self, rows: list[str]) -> str:
        return "\r\n".join([self.header, *rows]) + "\r\n"

    def upload(self, client, data: bytes):
        """Post the file; a page with a preview is confirmed when the preview offers it. The last response."""
        response = client.post(self.url, {**self.fields, "file": SimpleUploadedFile("upload.csv", data)})
        token = response.context.get("preview_token") if response.context else None
        if self.previews and token:
            response = client.post(self.url, {"preview_token": token, "confirm": "1"})
        return response


def make_page(name: str, *, make_store, make_sku, make_account, make_order, set_stock, rows: int = 3) -> Page:
    """The page ``name`` with what ``rows`` good rows need in the database."""
    if name == "stock":
        store = make_store("S1")
        for n in range(rows):
            make_sku(f"A-{n}")
        return Page(name, "/admin/inventory/stocklevel/import/", "store_code,sku_code,quantity,note",
                    lambda n, note: f"S1,A-{n},{n + 5},{note}", lambda n: f"S1,A-{n},x{n}",
                    lambda: StockMovement.objects.filter(store=store).count(), {})
    if name == "skus":
        return Page(name, "/admin/inventory/sku/import/", "product_code,product_name,sku_code,sku_name,note",
                    lambda n, note: f"P{n},{note or '商品'}{n},P{n}-M,M{n},{note}", lambda n: f"P{n},,P{n}-M,M,",
                    lambda: Sku.objects.count() + Product.objects.count(), {})
    store = make_store("S1")
    account = make_account("楽天本店", stores=[store])
    if name == "mappings":
        for n in range(rows):
            make_sku(f"TEE-{n}")
        return Page(name, "/admin/rakuten_link/productmapping/import/",
                    "manage_number,variant_id,sku_code,note", lambda n, note: f"tee01,tee01-{n},TEE-{n},{note}",
                    lambda n: f"tee01,tee01-{n},NOPE-{n},", lambda: ProductMapping.objects.count(),
                    {"account": account.pk})
    assert name == "shipments"
    sku = make_sku("TEE-M")
    set_stock(store, sku, rows + 1)
    from orders.services import allocate_order

    numbers = [allocate_order(make_order(account, [(sku, 1)], order_progress=300)).order_number for _ in range(rows)]
    return Page(name, "/admin/orders/order/shipments/import/",
                "order_number,delivery_company,tracking_number,shipped_on,note",
                lambda n, note: f"{numbers[n]},1001,{1000 + n},2026-05-02,{note}",
                lambda n: f"{numbers[n]},1001,{1000 + n},2026-13-45,",
                lambda: Shipment.objects.count(), {"account": account.pk})


PAGES = ("stock", "skus", "mappings", "shipments")
