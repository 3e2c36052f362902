"""The shared export writer: formula neutralisation, UTF-8 with BOM, cp932 with a clear error, whole files only."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from lib.exports import (
    FORMATS,
    ExportEncodingError,
    download,
    file_response,
    to_csv,
    to_xlsx,
    write_csv,
    write_file,
)

HEADER = ["注文番号", "購入者名", "金額"]


def _csv_rows(data: bytes, encoding: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode(encoding), newline="")))


@pytest.mark.parametrize("value", ["=HYPERLINK(\"http://x\")", "+81-90", "-1+2", "@SUM(A1)", "\tTAB", "\rCR"])
def test_formula_looking_cells_stay_text_in_csv_and_xlsx(value):
    rows = [HEADER, ["1", value, -100]]
    assert _csv_rows(to_csv(rows), "utf-8-sig")[1] == ["1", "'" + value, "-100"]
    cell = list(load_workbook(io.BytesIO(to_xlsx(rows))).active.iter_rows())[1][1]
    assert cell.data_type == "s" and cell.value == "'" + value.replace("\r", "\n")  # XML reads a lone CR as LF


def test_utf8_csv_has_one_bom_before_the_header_and_crlf_lines():
    data = to_csv([HEADER, ["1", "楽天 太郎", 1], ["2", "髙橋 𠮷", 2]])
    assert data.startswith("\ufeff注文番号".encode()) and data.count(b"\xef\xbb\xbf") == 1
    assert data.endswith(b"\r\n") and data.count(b"\r\n") == 3
    assert _csv_rows(data, "utf-8-sig")[2] == ["2", "髙橋 𠮷", "2"]


def test_cp932_holds_nec_and_ibm_characters_and_has_no_bom():
    data = to_csv([HEADER, ["1", "①髙﨑〜㈱", 1]], encoding="cp932")
    assert not data.startswith(b"\xef\xbb\xbf")
    assert _csv_rows(data, "cp932")[1] == ["1", "①髙﨑～㈱", "1"]  # 〜 is written as cp932's own 0x8160


def test_a_character_cp932_cannot_hold_names_the_row_the_column_and_the_character():
    stream = io.BytesIO()
    rows = [HEADER, ["A-1", "楽天", 1], ["A-2", "𠮷野家", 2]]
    with pytest.raises(ExportEncodingError) as caught:
        write_csv(rows, stream, encoding="cp932")
    error = caught.value
    assert (error.key_name, error.key, error.column, error.character, error.row) == ("注文番号", "A-2", "購入者名",
                                                                                      "𠮷", 3)
    assert "A-2" in str(error) and "購入者名" in str(error) and "𠮷" in str(error) and "U+20BB7" in str(error)
    assert b"A-2" not in stream.getvalue()  # the refused row never reached the stream


def test_datetimes_and_dates_are_written_plainly():
    rows = [HEADER + ["日付"], ["1", "x", 1, date(2025, 3, 1)], ["2", "y", datetime(2025, 3, 1, 9, 5, 7), None]]
    assert _csv_rows(to_csv(rows), "utf-8-sig")[1:] == [["1", "x", "1", "2025-03-01"],
                                                         ["2", "y", "2025-03-01 09:05:07", ""]]
    sheet = load_workbook(io.BytesIO(to_xlsx(rows))).active
    assert list(sheet.values)[2][2] == datetime(2025, 3, 1, 9, 5, 7)


def test_xlsx_drops_control_characters_xml_cannot_carry_and_leaves_blanks_empty():
    sheet = load_workbook(io.BytesIO(to_xlsx([HEADER, ["1", "楽天\x0b太郎\x00", ""]]))).active
    assert list(sheet.values)[1] == ("1", "楽天太郎", None)


def test_write_file_leaves_no_file_and_keeps_an_existing_one_on_error(tmp_path):
    target = tmp_path / "orders.csv"
    target.write_bytes(b"old")
    with pytest.raises(ExportEncodingError):
        write_file([HEADER, ["1", "𠮷", 1]], target, FORMATS["csv-cp932"])
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["orders.csv"]  # no temporary left behind
    fresh = tmp_path / "fresh.csv"
    with pytest.raises(ExportEncodingError):
        write_file([HEADER, ["1", "𠮷", 1]], fresh, FORMATS["csv-cp932"])
    assert not fresh.exists()
    assert write_file([HEADER, ["1", "①", 1]], fresh, FORMATS["csv-cp932"]) == 1
    assert _csv_rows(fresh.read_bytes(), "cp932")[1] == ["1", "①", "1"]


@pytest.mark.parametrize(("key", "content_type", "extension"), [
    ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    ("csv", "text/csv; charset=utf-8", "csv"),
    ("csv-cp932", "text/csv; charset=Shift_JIS", "csv"),
])
def test_file_response_is_an_attachment_of_the_format(key, content_type, extension):
    response = file_response([HEADER, ["1", "楽天", 1]], filename="orders_x", fmt=FORMATS[key])
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="orders_x.{extension}"'
    body = b"".join(response.streaming_content)
    assert body.startswith(b"PK") if key == "xlsx" else "楽天" in body.decode(FORMATS[key].encoding)


def test_file_response_raises_before_any_response_exists():
    with pytest.raises(ExportEncodingError):
        file_response([HEADER, ["1", "𠮷", 1]], filename="x", fmt=FORMATS["csv-cp932"])


def test_download_keeps_working_for_the_stock_and_mapping_exports():
    csv_response = download(iter([["店舗コード", "SKUコード", "数量"], ["S1", "=A1", 3]]), filename="stock", fmt="csv")
    assert csv_response["Content-Disposition"] == 'attachment; filename="stock.csv"'
    assert csv_response.content == "\ufeff店舗コード,SKUコード,数量\r\nS1,'=A1,3\r\n".encode()
    xlsx_response = download(iter([["a"], ["b"]]), filename="stock")
    assert list(load_workbook(io.BytesIO(xlsx_response.content)).active.values) == [("a",), ("b",)]
