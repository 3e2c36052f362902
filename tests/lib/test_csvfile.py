"""lib/csvfile: what the csv module cannot read becomes CsvFormatError with the line to look at."""

from __future__ import annotations

import pytest

from lib.csvfile import Column, CsvFormatError, read_rows, read_table

COLUMNS = (Column("code", ("コード", "code")), Column("note", ("備考", "note"), required=False))
HUGE = "x" * (128 * 1024 + 1)


def _data(*lines: str) -> bytes:
    return ("\r\n".join(("コード,備考", *lines)) + "\r\n").encode("utf-8")


def test_rows_are_read_with_their_line_numbers():
    rows = read_table(_data("A,1", "", '"B","multi\r\nline"', "C,3"), COLUMNS)
    assert [(row.line, row.values["code"]) for row in rows] == [(2, "A"), (5, "B"), (6, "C")]


def test_an_oversized_cell_names_the_line_where_its_row_starts():
    with pytest.raises(CsvFormatError) as info:
        list(read_rows(_data("A,1", "B,2", f"C,{HUGE}", "D,4"), COLUMNS))
    message = str(info.value)
    assert ("Line 4 " in message or "4行目" in message) and "131072" in message


def test_an_unbalanced_quote_swallowing_the_rest_of_the_file_is_a_file_error():
    lines = ["A,1", 'B,"starts a quote and never ends it'] + [f"R{n},{'y' * 200}" for n in range(1000)]
    with pytest.raises(CsvFormatError) as info:
        read_table(_data(*lines), COLUMNS)
    assert "Line 3 " in str(info.value) or "3行目" in str(info.value)


def test_an_oversized_header_cell_is_a_file_error_too():
    with pytest.raises(CsvFormatError):
        list(read_rows(f"{HUGE},コード\r\nA\r\n".encode(), COLUMNS))


def test_a_header_without_rows_is_an_error_for_read_table_only():
    assert list(read_rows(_data(), COLUMNS)) == []
    with pytest.raises(CsvFormatError):
        read_table(_data(), COLUMNS)
