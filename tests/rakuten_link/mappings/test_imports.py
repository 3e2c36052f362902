"""CSV upload of product mappings: encodings, errors by line and column, re-upload, formulas, size."""

from __future__ import annotations

import time

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inventory.models import Product, Sku
from lib.csvfile import CsvFormatError
from lib.exports import to_csv
from rakuten_link.mappings.exports import mapping_rows
from rakuten_link.mappings.imports import import_mappings_csv
from rakuten_link.models import ProductMapping
from tests.support.mappings import csv_bytes


@pytest.fixture
def skus(make_sku):
    return [make_sku(code) for code in ("TEE-M", "TEE-L", "BAG-黒")]


def _mappings(account) -> list[tuple]:
    return list(
        ProductMapping.objects.filter(account=account).order_by("pk").values_list(
            "manage_number", "variant_id", "legacy_h_choice", "legacy_v_choice", "merchant_defined_sku_id",
            "sku__code", "safety_stock", "status")
    )


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932"])
def test_utf8_with_or_without_bom_and_cp932_read_alike(account, skus, encoding):
    data = csv_bytes("TEE01,tee01-M,,,TEE01M,TEE-M,", "bag01,,黒,,,BAG-黒,2", encoding=encoding)
    report = import_mappings_csv(data, account=account)
    assert report.ok and report.created == 2
    assert _mappings(account) == [
        ("tee01", "tee01-M", "", "", "TEE01M", "TEE-M", None, "unchecked"),
        ("bag01", "", "黒", "", "", "BAG-黒", 2, "unchecked"),
    ]


def test_every_bad_row_is_listed_by_line_and_column_and_nothing_is_written(account, skus):
    data = csv_bytes(
        "tee01,tee01-m,,,,TEE-M,",  # fine, but not written because of the others
        "tee 01!,tee01-l,,,,TEE-L,",
        "tee01,tee01-l,,,,NOPE,-1",
        "tee01,,,,,TEE-L,",
        "tee01," + "v" * 33 + ",,,,TEE-L,",
        "あいう,x,,,,TEE-L,x",
    )
    report = import_mappings_csv(data, account=account)
    got = {(e.line, e.column) for e in report.errors}
    assert got == {
        (3, "商品管理番号"), (4, "SKUコード"), (4, "安全在庫"), (5, "SKU管理番号"), (6, "SKU管理番号"),
        (7, "商品管理番号"), (7, "安全在庫"),
    }
    assert not ProductMapping.objects.exists()
    assert "NOPE" in next(str(e) for e in report.errors if e.line == 4 and e.column == "SKUコード")


def test_duplicate_rows_are_refused_with_the_first_line(account, skus):
    data = csv_bytes("tee01,tee01-m,,,,TEE-M,", "TEE01,tee01-m,,,,TEE-L,", "bag01,,黒,,,BAG-黒,",
                     "bag01,,黒,,,TEE-M,", "tee01,TEE01-M,,,,TEE-L,")
    report = import_mappings_csv(data, account=account)
    assert [(e.line, e.column) for e in report.errors] == [(3, "SKU管理番号"), (5, "横軸選択肢")]
    assert "2" in report.errors[0].message and "4" in report.errors[1].message


@pytest.mark.parametrize(
    ("header", "needle"),
    [
        ("商品管理番号,SKU管理番号,SKU", "SKUコード"),
        ("商品管理番号,SKUコード", "SKU管理番号"),
        ("manage,variant,sku", "商品管理番号"),
    ],
)
def test_a_wrong_header_says_what_is_missing(account, skus, header, needle):
    with pytest.raises(CsvFormatError) as caught:
        import_mappings_csv(csv_bytes("tee01,tee01-m,TEE-M", header=header), account=account)
    assert needle in str(caught.value)


def test_a_file_that_is_not_text_is_refused_clearly(account):
    with pytest.raises(CsvFormatError):
        import_mappings_csv(b"\x89PNG\r\n\x1a\n\x00\xff\xfe\x81", account=account)


def test_reupload_updates_what_changed_and_counts_the_rest(account, skus):
    import_mappings_csv(csv_bytes("tee01,tee01-m,,,,TEE-M,", "bag01,,黒,,,BAG-黒,"), account=account)
    ProductMapping.objects.update(status="ok")
    report = import_mappings_csv(
        csv_bytes("tee01,tee01-m,,,,TEE-L,3", "bag01,bag01-blk,黒,,,BAG-黒,", "tee02,x,,,,TEE-M,"), account=account
    )
    assert (report.created, report.updated, report.unchanged) == (1, 2, 0)
    assert _mappings(account) == [
        ("tee01", "tee01-m", "", "", "", "TEE-L", 3, "ok"),  # same Rakuten SKU: still verified
        ("bag01", "bag01-blk", "黒", "", "", "BAG-黒", None, "unchecked"),  # now has its variantId: verify again
        ("tee02", "x", "", "", "", "TEE-M", None, "unchecked"),
    ]
    again = import_mappings_csv(csv_bytes("tee01,tee01-m,,,,TEE-L,3"), account=account)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)


def test_dry_run_previews_without_writing(account, skus):
    report = import_mappings_csv(csv_bytes("tee01,tee01-m,,,,TEE-M,"), account=account, dry_run=True)
    assert report.ok and report.created == 1 and report.preview[0]["action"] == "new"
    assert not ProductMapping.objects.exists()


def test_formula_looking_cells_stay_data_and_round_trip_through_the_export(account, skus):
    formula = '=HYPERLINK("http://evil.example/","x")'
    data = csv_bytes(f'-tee01,tee01-m,,,"{formula.replace(chr(34), chr(34) * 2)}",TEE-M,')
    assert import_mappings_csv(data, account=account).ok
    assert ProductMapping.objects.get().merchant_defined_sku_id == formula

    exported = to_csv(mapping_rows(ProductMapping.objects.all()))
    assert b"'=HYPERLINK" in exported and b"'-tee01" in exported
    again = import_mappings_csv(exported, account=account)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)

    bad = import_mappings_csv(csv_bytes("tee02,x,,,,TEE-M,=1+1"), account=account)
    assert [(e.line, e.column) for e in bad.errors] == [(2, "安全在庫")]


def test_ten_thousand_rows_import_in_one_pass(account):
    product = Product.objects.create(code="P", name="p")
    Sku.objects.bulk_create(Sku(code=f"SKU{n:05d}", product=product, name="s") for n in range(10_000))
    data = csv_bytes(*(f"item{n // 10:04d},v{n % 10},,,,SKU{n:05d},1" for n in range(10_000)))
    started = time.monotonic()
    with CaptureQueriesContext(connection) as queries:
        report = import_mappings_csv(data, account=account)
    assert report.ok and report.created == 10_000
    assert ProductMapping.objects.count() == 10_000
    # Batched: SQLite allows 999 variables per statement, so ~58 rows per INSERT — never one per row.
    assert len(queries.captured_queries) < 250
    assert time.monotonic() - started < 30

    changed = csv_bytes(*(f"item{n // 10:04d},v{n % 10},,,,SKU{n:05d},2" for n in range(10_000)))
    started = time.monotonic()
    with CaptureQueriesContext(connection) as queries:
        report = import_mappings_csv(changed, account=account)
    assert report.updated == 10_000 and set(ProductMapping.objects.values_list("safety_stock", flat=True)) == {2}
    assert len(queries.captured_queries) < 50  # one prepared UPDATE, executemany
    assert time.monotonic() - started < 30


def test_the_command_imports_and_reports_errors(account, skus, tmp_path, capsys):
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_bytes(csv_bytes("tee01,tee01-m,,,,TEE-M,", encoding="cp932"))
    bad.write_bytes(csv_bytes("tee01,tee01-m,,,,NOPE,"))
    call_command("import_mappings", str(good), "--account", account.name, "--dry-run")
    assert "dry run" in capsys.readouterr().out and not ProductMapping.objects.exists()
    call_command("import_mappings", str(good), "--account", account.name)
    assert ProductMapping.objects.count() == 1
    with pytest.raises(CommandError):
        call_command("import_mappings", str(bad), "--account", account.name)
    assert "NOPE" in capsys.readouterr().err


# --- unreadable files, and one SKU mapped to several Rakuten SKUs ---------------------------------

def test_a_cell_over_128_kib_is_a_file_error_and_nothing_is_written(account, skus):
    data = csv_bytes("tee01,tee01-m,,,,TEE-M,", "tee01,tee01-l,,,\"" + "x" * (128 * 1024 + 1) + "\",TEE-L,")
    with pytest.raises(CsvFormatError) as caught:
        import_mappings_csv(data, account=account)
    assert "131072" in str(caught.value) and ("Line 3 " in str(caught.value) or "3行目" in str(caught.value))
    assert not ProductMapping.objects.exists()


def test_the_command_reports_an_oversized_cell_as_an_error(account, skus, tmp_path):
    path = tmp_path / "huge.csv"
    path.write_bytes(csv_bytes("tee01,tee01-m,,,,TEE-M," + "y" * (200 * 1024)))
    with pytest.raises(CommandError) as caught:
        call_command("import_mappings", str(path), "--account", account.name)
    assert "131072" in str(caught.value) and not ProductMapping.objects.exists()


def test_a_sku_mapped_twice_in_the_file_or_already_mapped_is_a_warning_not_an_error(account, skus, make_mapping):
    make_mapping(account, "bag01", "bag01-blk", skus[2])
    data = csv_bytes("tee01,tee01-m,,,,TEE-M,", "tee01,tee01-l,,,,TEE-L,", "set01,set01-a,,,,TEE-M,",
                     "set02,,赤,,,BAG-黒,", "set03,set03,,,,TEE-M,")
    preview = import_mappings_csv(data, account=account, dry_run=True)
    assert preview.ok and preview.created == 5
    warned = [(w.line, w.column) for w in preview.warnings]
    assert warned == [(2, "SKUコード"), (4, "SKUコード"), (5, "SKUコード"), (6, "SKUコード")]
    by_line = {w.line: w.message for w in preview.warnings}
    assert "TEE-M" in by_line[2] and "4, 6" in by_line[2]
    assert "bag01 / bag01-blk" in by_line[5] and "BAG-黒" in by_line[5]

    report = import_mappings_csv(data, account=account)
    assert report.ok and report.created == 5 and len(report.warnings) == 4
    assert ProductMapping.objects.filter(sku=skus[0]).count() == 3


def test_moving_a_sku_to_another_rakuten_sku_warns_about_nothing(account, skus, make_mapping):
    make_mapping(account, "tee01", "tee01-m", skus[0])
    make_mapping(account, "tee01", "tee01-l", skus[1])
    # tee01-m now sells TEE-L, and tee01-l TEE-M: every SKU still has one Rakuten SKU after the import.
    report = import_mappings_csv(csv_bytes("tee01,tee01-m,,,,TEE-L,", "tee01,tee01-l,,,,TEE-M,"), account=account,
                                 dry_run=True)
    assert report.ok and report.updated == 2 and report.warnings == []


def test_mappings_of_another_account_do_not_count(account, skus, make_account, make_mapping):
    make_mapping(make_account(), "tee01", "tee01-m", skus[0])
    report = import_mappings_csv(csv_bytes("tee01,tee01-m,,,,TEE-M,"), account=account, dry_run=True)
    assert report.ok and report.warnings == []


def test_the_upload_preview_lists_the_warnings_and_still_offers_the_import(admin_client, account, skus):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("m.csv", csv_bytes("tee01,tee01-m,,,,TEE-M,", "set01,set01-a,,,,TEE-M,"))
    response = admin_client.post("/admin/rakuten_link/productmapping/import/", {"account": account.pk, "file": upload})
    html = response.content.decode()
    assert response.status_code == 200 and html.count('class="import-warning"') == 2
    assert 'name="preview_token"' in html and not ProductMapping.objects.exists()


def test_a_sku_on_many_lines_names_five_of_them_and_stays_fast(account, skus):
    data = csv_bytes(*(f"set{n:04d},set{n:04d},,,,TEE-M," for n in range(3000)))
    started = time.monotonic()
    report = import_mappings_csv(data, account=account, dry_run=True)
    assert report.ok and report.warnings.total == 3000 and len(report.warnings) == 100  # the page lists 100
    assert time.monotonic() - started < 10
    assert "3, 4, 5, 6, 7, …" in report.warnings[0].message
