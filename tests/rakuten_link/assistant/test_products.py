"""Our products created from the Rakuten catalogue: codes, options, mappings, opening counts, idempotency."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from inventory.models import Product, Sku, StockLevel, StockMovement
from rakuten_link.assistant.products import import_catalogue_products
from rakuten_link.models import MappingStatus, ProductMapping


@pytest.fixture
def catalogue(make_account, make_catalogue, make_store):
    account = make_account(name="楽天本店")
    store = make_store("WEB")
    make_catalogue(account, {"tee01": [
        dict(variant_id="m-blk", merchant_sku_id="TEE01-M-BLK", selectors={"サイズ": "M", "カラー": "黒"},
             jan="4901234567894", quantity=5),
        dict(variant_id="l-blk", selectors={"サイズ": "L", "カラー": "黒"}, jan="12", quantity=3),
    ]}, title="ベーシックTシャツ", price=2980)
    make_catalogue(account, {"mug": [dict(variant_id="mug", quantity=0)]}, item_number="", title="マグ")
    return account, store


def state():
    return (list(Product.objects.values_list("code", "name", "price")),
            list(Sku.objects.values_list("code", "product__code", "name", "jan_code", "options")),
            list(ProductMapping.objects.values_list("manage_number", "variant_id", "sku__code", "status")),
            list(StockMovement.objects.values_list("store__code", "sku__code", "quantity", "on_hand_after")))


def test_creates_products_skus_mappings_and_opening_counts(catalogue):
    account, store = catalogue
    report = import_catalogue_products(account, store=store)
    assert (report.products_created, report.skus_created, report.mappings_created) == (2, 3, 3)
    products, skus, mappings, movements = state()
    assert products == [("TEE01", "ベーシックTシャツ", 2980), ("mug", "マグ", None)]
    # Names from the choice values by selector name (カラー before サイズ), the same on every database.
    assert skus == [("TEE01-M-BLK", "TEE01", "黒 / M", "4901234567894", {"サイズ": "M", "カラー": "黒"}),
                    ("mug-mug", "mug", "マグ", "", {}),
                    ("tee01-l-blk", "TEE01", "黒 / L", "", {"サイズ": "L", "カラー": "黒"})]
    assert sorted(mappings) == [("mug", "mug", "mug-mug", MappingStatus.UNCHECKED),
                                ("tee01", "l-blk", "tee01-l-blk", MappingStatus.UNCHECKED),
                                ("tee01", "m-blk", "TEE01-M-BLK", MappingStatus.UNCHECKED)]
    assert sorted(movements) == [("WEB", "TEE01-M-BLK", 5, 5), ("WEB", "tee01-l-blk", 3, 3)]
    assert StockLevel.objects.get(store=store, sku__code="TEE01-M-BLK").on_hand == 5
    assert (report.opening_skus, report.opening_units) == (2, 8)


def test_running_again_changes_nothing(catalogue):
    account, store = catalogue
    import_catalogue_products(account, store=store)
    before = state()
    report = import_catalogue_products(account, store=store)
    assert (report.skus_created, report.mappings_created, report.opening_units, len(report.planned)) == (0, 0, 0, 0)
    assert state() == before


def test_dry_run_previews_and_writes_nothing(catalogue):
    account, store = catalogue
    report = import_catalogue_products(account, store=store, dry_run=True)
    assert [p.sku_code for p in report.preview] == ["mug-mug", "TEE01-M-BLK", "tee01-l-blk"]
    assert (report.skus_created, report.products_created, report.opening_units) == (3, 2, 8)
    assert state() == ([], [], [], [])


def test_a_sku_code_we_have_is_mapped_not_created(catalogue):
    account, _store = catalogue
    ours = Product.objects.create(code="OURS", name="自社")
    Sku.objects.create(code="TEE01-M-BLK", product=ours, name="自社SKU")
    report = import_catalogue_products(account)
    assert report.skus_created == 2
    assert Sku.objects.get(code="TEE01-M-BLK").name == "自社SKU"
    assert ProductMapping.objects.filter(variant_id="m-blk", sku__code="TEE01-M-BLK").exists()
    assert not StockMovement.objects.exists()  # no store: no opening count


def test_a_refused_row_writes_nothing(catalogue, make_catalogue):
    account, store = catalogue
    make_catalogue(account, {"big": [dict(variant_id="x", quantity=1)]}, price=-5, title="高すぎ")
    report = import_catalogue_products(account, store=store)
    assert report.errors and "big / x" in report.errors[0]
    assert state() == ([], [], [], [])


def test_command(catalogue):
    out = StringIO()
    call_command("import_catalogue_products", "--account", "楽天本店", "--store", "WEB", stdout=out)
    assert "SKUs created 3" in out.getvalue() and "opening count 8 units in 2 SKUs" in out.getvalue()
    out = StringIO()
    call_command("import_catalogue_products", "--account", "楽天本店", "--store", "WEB", stdout=out)
    assert "SKUs created 0" in out.getvalue() and "mappings created 0" in out.getvalue()
    with pytest.raises(CommandError, match="no store"):
        call_command("import_catalogue_products", "--account", "楽天本店", "--store", "NOPE")


def test_two_items_with_one_item_number_make_one_product(make_account, make_catalogue):
    account = make_account()
    make_catalogue(account, {"cap-a": [dict(variant_id="a", merchant_sku_id="CAP-A")]}, item_number="CAP",
                   title="キャップ（春）", price=1980)
    make_catalogue(account, {"cap-b": [dict(variant_id="b", merchant_sku_id="CAP-B")]}, item_number="CAP",
                   title="キャップ（秋）", price=2180)
    report = import_catalogue_products(account)
    assert report.errors == []
    assert list(Product.objects.values_list("code", "name", "price")) == [("CAP", "キャップ（春）", 1980)]
    assert sorted(Sku.objects.values_list("code", "product__code")) == [("CAP-A", "CAP"), ("CAP-B", "CAP")]


def test_a_collision_while_writing_leaves_nothing_half_done(catalogue, monkeypatch):
    from django.db import IntegrityError

    account, store = catalogue

    def collide(*args, **kwargs):
        raise IntegrityError("mapping_unique_variant")

    monkeypatch.setattr("rakuten_link.assistant.products.create_mappings", collide)
    report = import_catalogue_products(account, store=store)
    assert report.errors and "もう一度" in report.errors[0]
    assert state() == ([], [], [], [])
