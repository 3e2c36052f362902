from inventory.imports import import_stock_counts
from inventory.models import StockLevel, StockMovement


def _csv(*lines: str) -> str:
    return "\r\n".join(("店舗コード,SKUコード,数量", *lines)) + "\r\n"


def test_it_imports_counts_as_movements(make_store, make_sku, set_stock):
    store, sku = make_store("S1"), make_sku("A-1")
    set_stock(store, sku, 2)
    report = import_stock_counts(_csv("S1,A-1,7").encode("utf-8"))
    assert report.ok and report.updated == 1
    assert StockLevel.objects.get(store=store, sku=sku).on_hand == 7
    assert StockMovement.objects.get().kind == "csv_import"


def test_it_reads_cp932_and_utf8_with_bom(make_store, make_sku):
    make_store("本店"), make_sku("靴-1")
    assert import_stock_counts(_csv("本店,靴-1,3").encode("cp932")).ok
    assert import_stock_counts(_csv("本店,靴-1,4").encode("utf-8-sig")).ok
    assert StockLevel.objects.get().on_hand == 4


def test_one_bad_row_imports_nothing_and_every_bad_row_is_listed(make_store, make_sku):
    make_store("S1"), make_sku("A-1"), make_sku("A-2")
    data = _csv("S1,A-1,5", "S9,A-2,1", "S1,A-2,-1", "S1,NOPE,x", "S1,A-1,2").encode()
    report = import_stock_counts(data)
    assert not StockLevel.objects.exists()
    assert [(e.line, e.column) for e in report.errors] == [
        (3, "店舗コード"),
        (4, "数量"),
        (5, "SKUコード"),
        (5, "数量"),
        (6, "SKUコード"),
    ]
    assert "line 3" in str(report.errors[0]) or "3行目" in str(report.errors[0])


def test_a_wrong_header_is_a_clear_message(db):
    import pytest

    from lib.csvfile import CsvFormatError

    with pytest.raises(CsvFormatError) as info:
        import_stock_counts(b"store,sku\nS1,A\n")
    assert "数量" in str(info.value)


def test_full_width_digits_are_accepted(make_store, make_sku):
    make_store("S1"), make_sku("A-1")
    assert import_stock_counts(_csv("S1,A-1,１２").encode()).ok
    assert StockLevel.objects.get().on_hand == 12


def test_an_import_is_one_batch_and_one_stock_notice(make_store, make_sku, django_capture_on_commit_callbacks):
    make_store("S1")
    for n in range(50):
        make_sku(f"B-{n}")
    rows = [f"S1,B-{n},{n % 7}" for n in range(50)]
    with django_capture_on_commit_callbacks() as callbacks:
        report = import_stock_counts(_csv(*rows).encode())
    assert report.updated == len([n for n in range(50) if n % 7]) and report.unchanged == 50 - report.updated
    assert len(callbacks) == 1


# --- unreadable files are a message on the page, never a 500 or a silent success -----------------

HUGE_CELL = "x" * (128 * 1024 + 1)  # one character over the csv module's field limit


def test_a_cell_over_128_kib_is_a_file_error_and_nothing_is_written(make_store, make_sku, set_stock):
    import pytest

    from lib.csvfile import CsvFormatError

    store, sku = make_store("S1"), make_sku("A-1")
    set_stock(store, sku, 2)
    data = _csv("S1,A-1,7", f'S1,A-1,"{HUGE_CELL}"').encode()
    with pytest.raises(CsvFormatError) as info:
        import_stock_counts(data)
    assert "3" in str(info.value) and "131072" in str(info.value)
    assert StockLevel.objects.get().on_hand == 2 and not StockMovement.objects.exists()


def test_a_header_only_file_is_an_error_not_a_success(db):
    import pytest

    from lib.csvfile import CsvFormatError

    with pytest.raises(CsvFormatError) as info:
        import_stock_counts(_csv().encode())
    assert str(info.value) in ("The file has a header but no data rows.", "見出し行のみで、データ行がありません。")


def test_the_admin_upload_shows_an_oversized_cell_as_an_error_not_a_500(admin_client, make_store, make_sku):
    from django.core.files.uploadedfile import SimpleUploadedFile

    make_store("S1"), make_sku("A-1")
    upload = SimpleUploadedFile("stock.csv", _csv("S1,A-1,3", f"S1,{HUGE_CELL},3").encode("utf-8"))
    response = admin_client.post("/admin/inventory/stocklevel/import/", {"file": upload})
    assert response.status_code == 200
    assert "131072" in response.context["form"].errors["file"][0]
    assert not StockLevel.objects.exists() and not StockMovement.objects.exists()


def test_the_admin_upload_refuses_a_header_only_file(admin_client, db):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("stock.csv", _csv().encode("utf-8"))
    response = admin_client.post("/admin/inventory/stocklevel/import/", {"file": upload})
    assert response.status_code == 200 and response.context["form"].errors["file"]
    assert not StockMovement.objects.exists()
