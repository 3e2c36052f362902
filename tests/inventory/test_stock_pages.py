"""The stock pages: the name column kept readable, allocated/available shown, a searchable SKU picker with the
chosen SKU's stock, and the movement list with its memo."""

from __future__ import annotations

from inventory.models import StockMovement
from inventory.services import apply_stock_movement

LEVELS = "/admin/inventory/stocklevel/"


def test_the_stock_list_shows_allocated_and_available_and_keeps_the_name_column_wide(admin_client, set_stock,
                                                                                      make_store, make_sku):
    set_stock(make_store(), make_sku(), 7)
    page = admin_client.get(LEVELS).content.decode()
    assert "field-allocated" in page and "field-available" in page
    assert "td.field-sku_name { min-width" in page


def test_the_adjustment_form_searches_skus_instead_of_listing_them_all(admin_client, make_sku):
    for n in range(5):
        make_sku(f"LIST-{n}")
    page = admin_client.get(f"{LEVELS}adjust/").content.decode()
    assert "admin-autocomplete" in page and "autocomplete.js" in page
    assert "LIST-3" not in page  # no <option> per SKU any more


def test_the_current_stock_of_the_chosen_sku(admin_client, set_stock, make_store, make_sku):
    sku = make_sku()
    set_stock(make_store("S1"), sku, 5)
    levels = admin_client.get(f"{LEVELS}adjust/stock/", {"sku": sku.pk}).json()["levels"]
    assert [(row["on_hand"], row["available"]) for row in levels] == [(5, 5)]
    assert admin_client.get(f"{LEVELS}adjust/stock/", {"sku": "x"}).json() == {"levels": []}


def test_the_movement_list_shows_the_memo(admin_client, admin_user, make_store, make_sku):
    apply_stock_movement(store=make_store(), sku=make_sku(), quantity=2, kind="adjustment", user=admin_user,
                         note="棚卸の差異を修正")
    assert StockMovement.objects.get().note
    assert "棚卸の差異を修正" in admin_client.get("/admin/inventory/stockmovement/").content.decode()
