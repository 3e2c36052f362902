"""The SKU CSV: products and SKUs with options and price, created or updated by code, all rows or none."""

from __future__ import annotations

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import translation

from inventory.models import Product, Sku
from inventory.sku_imports import import_skus_csv
from lib.csvfile import CsvFormatError

HEADER = "商品コード,商品名,価格,SKUコード,SKU名,JANコード,選択肢名1,選択肢1,選択肢名2,選択肢2"
IMPORT = "/admin/inventory/sku/import/"


def _csv(*lines: str, header: str = HEADER) -> bytes:
    return ("\r\n".join((header, *lines)) + "\r\n").encode()


GOOD = _csv(
    "TEE01,ロゴTシャツ,\"2,980\",TEE01-M,ロゴTシャツ M,4901234567894,サイズ,M,カラー,ブラック",
    "TEE01,,,TEE01-L,ロゴTシャツ L,,サイズ,L,カラー,ブラック",
    "BAG01,トート,￥1500,BAG01,トート,,,,,",
)


def _snapshot():
    return (list(Product.objects.values_list("code", "name", "price")),
            list(Sku.objects.values_list("code", "product__code", "name", "jan_code", "options")))


def test_a_good_file_creates_products_and_skus_with_options_and_price(db):
    report = import_skus_csv(GOOD)
    assert report.ok and (report.products_created, report.created) == (2, 3)
    assert Product.objects.get(code="TEE01").price == 2980 and Product.objects.get(code="BAG01").price == 1500
    medium = Sku.objects.get(code="TEE01-M")
    assert medium.product.name == "ロゴTシャツ" and medium.jan_code == "4901234567894"
    assert medium.options == {"サイズ": "M", "カラー": "ブラック"}  # PostgreSQL's jsonb does not keep key order
    assert Sku.objects.get(code="BAG01").options == {}


def test_a_dry_run_writes_nothing_and_previews_every_row(db):
    report = import_skus_csv(GOOD, dry_run=True)
    assert report.ok and report.created == 3 and not Product.objects.exists() and not Sku.objects.exists()
    assert [row["action"] for row in report.preview] == ["new", "new", "new"]
    assert report.preview[1]["price"] == "2,980" and report.preview[0]["options"] == "サイズ: M / カラー: ブラック"


def test_existing_products_and_skus_are_updated_by_code(make_sku):
    product = Product.objects.create(code="TEE01", name="旧名", price=1000)
    make_sku("TEE01-M", product=product, name="旧SKU")
    kept = make_sku("TEE01-S", product=product, name="S")
    Sku.objects.filter(pk=kept.pk).update(jan_code="49012345", options={"サイズ": "S"})
    report = import_skus_csv(_csv("TEE01,ロゴTシャツ,2980,TEE01-M,ロゴTシャツ M,,サイズ,M,,",
                                  "TEE01,,,TEE01-S,S,49012345,サイズ,S,,"))
    assert report.ok and (report.products_created, report.products_updated) == (0, 1)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    product.refresh_from_db()
    assert (product.name, product.price) == ("ロゴTシャツ", 2980)
    assert Sku.objects.get(code="TEE01-M").options == {"サイズ": "M"} and Sku.objects.count() == 2


def test_columns_the_file_leaves_out_are_kept(make_sku):
    product = Product.objects.create(code="P1", name="商品", price=500)
    sku = make_sku("A-1", product=product)
    Sku.objects.filter(pk=sku.pk).update(jan_code="4901234567894", options={"サイズ": "M"})
    assert import_skus_csv(_csv("P1,商品,A-1,新しい名前", header="商品コード,商品名,SKUコード,SKU名")).ok
    sku.refresh_from_db()
    assert (sku.name, sku.jan_code, sku.options, sku.product.price) == ("新しい名前", "4901234567894",
                                                                         {"サイズ": "M"}, 500)


def test_english_headers_and_six_option_pairs_are_accepted(db):
    pairs = ",".join(f"option_name{n},option_value{n}" for n in range(1, 7))
    values = ",".join(f"軸{n},値{n}" for n in range(1, 7))
    header = f"product_code,product_name,price,sku_code,sku_name,jan_code,{pairs}"
    assert import_skus_csv(_csv(f"P1,商品,100,A-1,A,,{values}", header=header)).ok
    assert list(Sku.objects.get().options) == [f"軸{n}" for n in range(1, 7)]


def test_a_cp932_file_from_excel_is_read(db):
    assert import_skus_csv(GOOD.decode().encode("cp932")).ok
    assert Sku.objects.get(code="TEE01-L").options == {"サイズ": "L", "カラー": "ブラック"}


BAD_ROWS = [
    # (row, column of the error, a word of the Japanese message)
    (",名前,100,A-2,A2,,,,,", "商品コード", "入力"),
    ("P1,商品,abc,A-2,A2,,,,,", "価格", "abc"),
    ("P1,商品,100,,A2,,,,,", "SKUコード", "入力"),
    ("P1,商品,100,A-2,,,,,,", "SKU名", "入力"),
    ("P1,商品,100,A-2,A2,4.90123E+12,,,,", "JANコード", "4.90123E+12"),
    ("P1,商品,100,A-2,A2,12345,,,,", "JANコード", "12345"),
    ("P1,商品,100,A-2,A2,,サイズ,,,", "選択肢1", "サイズ"),
    ("P1,商品,100,A-2,A2,,,M,,", "選択肢名1", "M"),
    ("P1,商品,100,A-2,A2,,サイズ,M,サイズ,L", "選択肢名2", "選択肢名1"),
    (f"P1,商品,100,{'X' * 65},A2,,,,,", "SKUコード", "64"),
    ("P1,別の名前,100,A-2,A2,,,,,", "商品名", "2"),
    ("P1,商品,200,A-2,A2,,,,,", "価格", "2"),
    ("P1,商品,100,A-1,A1,,,,,", "SKUコード", "2"),
    ("NEW,,,A-2,A2,,,,,", "商品名", "NEW"),
    ("P1,商品,100,OLD-1,A2,,,,,", "SKUコード", "OTHER"),
]


@pytest.mark.parametrize(("row", "column", "word"), BAD_ROWS)
def test_each_kind_of_bad_row_imports_nothing_and_names_line_and_column(make_sku, row, column, word):
    make_sku("OLD-1", product=Product.objects.create(code="OTHER", name="他の商品"))
    before = _snapshot()
    report = import_skus_csv(_csv("P1,商品,100,A-1,A1,,,,,", row))
    assert [(e.line, e.column) for e in report.errors] == [(3, column)]
    assert word in report.errors[0].message
    assert str(report.errors[0]).startswith("3行目")
    assert _snapshot() == before


def test_every_bad_row_is_listed_in_line_order(db):
    report = import_skus_csv(_csv("P1,商品,100,A-1,A1,,,,,", "P1,商品,x,A-2,,,,,,", "P1,名前,100,A-1,A3,,,,,"))
    assert [(e.line, e.column) for e in report.errors] == [(3, "SKU名"), (3, "価格"), (4, "商品名"), (4, "SKUコード")]
    assert not Product.objects.exists()


def test_the_messages_read_in_english_too(db):
    with translation.override("en"):
        report = import_skus_csv(_csv("P1,商品,100,A-1,A1,,,,,", "P1,名前,100,A-2,A2,,,,,"))
    assert report.errors[0].message == "The product P1 is named “商品” on line 2 and “名前” here: give it one name."


def test_an_option_name_column_without_its_value_column_is_a_file_error(db):
    with pytest.raises(CsvFormatError) as info:
        import_skus_csv(_csv("P1,商品,A-1,A,サイズ", header="商品コード,商品名,SKUコード,SKU名,選択肢名1"))
    assert "選択肢1" in str(info.value)


# --- the admin page: upload, preview, confirm ----------------------------------------------------

def test_the_admin_previews_then_imports_on_confirm(admin_client, admin_user, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    assert IMPORT in admin_client.get("/admin/inventory/sku/").content.decode()
    preview = admin_client.post(IMPORT, {"file": SimpleUploadedFile("skus.csv", GOOD)})
    assert preview.status_code == 200 and not Sku.objects.exists()
    html = preview.content.decode()
    assert html.count('class="import-row"') == 3 and "サイズ: M / カラー: ブラック" in html
    response = admin_client.post(IMPORT, {"preview_token": preview.context["preview_token"], "confirm": "1"})
    assert response.status_code == 302 and Sku.objects.count() == 3
    entry = LogEntry.objects.get(content_type__model="sku")
    assert entry.user == admin_user and entry.object_id is None and "3" in entry.change_message
    again = admin_client.post(IMPORT, {"preview_token": preview.context["preview_token"], "confirm": "1"})
    assert again.status_code == 302 and LogEntry.objects.count() == 1  # a token is used once


def test_the_admin_lists_bad_rows_and_offers_no_confirm(admin_client, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    upload = SimpleUploadedFile("skus.csv", _csv("P1,商品,100,A-1,A1,,サイズ,,,").decode().encode("cp932"))
    response = admin_client.post(IMPORT, {"file": upload})
    html = response.content.decode()
    assert html.count('class="import-error"') == 1 and 'name="confirm"' not in html
    assert response.context["preview_token"] is None and not Product.objects.exists()


def test_a_preview_confirms_only_for_the_person_who_made_it(admin_client, client, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    token = admin_client.post(IMPORT, {"file": SimpleUploadedFile("skus.csv", GOOD)}).context["preview_token"]
    other = User.objects.create_user("other", is_superuser=True, is_staff=True)
    client.force_login(other)
    assert client.post(IMPORT, {"preview_token": token, "confirm": "1"}).status_code == 302
    assert not Sku.objects.exists()


def test_the_import_needs_add_and_change_on_skus_and_products(client, db):
    staff = User.objects.create_user("staff", is_staff=True)
    staff.user_permissions.set(Permission.objects.filter(codename__in=["view_sku", "add_sku", "change_sku"]))
    client.force_login(staff)
    assert IMPORT not in client.get("/admin/inventory/sku/").content.decode()
    assert client.post(IMPORT, {"file": SimpleUploadedFile("skus.csv", GOOD)}).status_code == 403
    staff.user_permissions.add(*Permission.objects.filter(codename__in=["add_product", "change_product"]))
    assert client.get(IMPORT).status_code == 200


def test_the_template_csv_imports_as_it_is(admin_client):
    template = admin_client.get(IMPORT + "template/")
    assert template["Content-Type"].startswith("text/csv")
    assert import_skus_csv(template.content).ok and Sku.objects.count() == 2


# --- the command -------------------------------------------------------------------------------

def test_the_command_imports_and_dry_runs(db, tmp_path, capsys):
    path = tmp_path / "skus.csv"
    path.write_bytes(GOOD)
    call_command("import_skus", str(path), "--dry-run")
    assert "dry run" in capsys.readouterr().out and not Sku.objects.exists()
    call_command("import_skus", str(path))
    assert "SKUs created 3" in capsys.readouterr().out and Sku.objects.count() == 3


def test_the_command_prints_every_error_and_exits_1(db, tmp_path, capsys):
    path = tmp_path / "skus.csv"
    path.write_bytes(_csv("P1,商品,x,A-1,A1,,,,,", "P1,商品,100,A-2,,,,,,"))
    with pytest.raises(CommandError) as info:
        call_command("import_skus", str(path))
    assert info.value.returncode == 1
    err = capsys.readouterr().err
    assert "2行目" in err and "価格" in err and "3行目" in err and "SKU名" in err
    assert not Product.objects.exists()
