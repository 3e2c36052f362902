"""The order export: files re-read with openpyxl and csv match the database, row for row and column for column."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.test import RequestFactory
from openpyxl import load_workbook

from orders.export_views import (
    export_filtered_view,
    export_orders_action,
    export_selected_csv,
    export_selected_csv_cp932,
    export_selected_xlsx,
)
from orders.exports import HEADER, order_rows
from orders.models import Order, OrderLine, OrderPackage, PaymentMethod, Shipment

JST = ZoneInfo("Asia/Tokyo")
FORMULA_NAME = '=HYPERLINK("http://evil.example/","楽天")'


def _order(account, number: str, ordered_at: datetime, **fields) -> Order:
    values = {"order_progress": 300, "state": "allocated", "buyer_name": "佐藤 翔太", "buyer_kana": "サトウ ショウタ",
              "buyer_phone": "090-1111-2222", "buyer_zip": "158-0094", "buyer_address": "東京都世田谷区玉川1-14-1",
              "settlement_method_name": "クレジットカード", "goods_price": 5000, "postage_price": 600,
              "delivery_price": 330, "payment_charge": 0, "coupon_total": 300, "used_point": 100,
              "total_price": 5930, "request_price": 5530, "raw": {"note": "never exported"}}
    values.update(fields)
    return Order.objects.create(account=account, order_number=number, ordered_at=ordered_at, **values)


def _package(order, basket_id: int, name: str, **fields) -> OrderPackage:
    values = {"recipient_kana": "ラクテン ハナコ", "recipient_zip": "100-0001",
              "recipient_address": "東京都千代田区1-1", "recipient_phone": "03-1234-5678"}
    values.update(fields)
    return OrderPackage.objects.create(order=order, basket_id=basket_id, recipient_name=name, **values)


def _line(order, package, detail: int, **fields) -> OrderLine:
    values = {"manage_number": "tee01", "variant_id": "tee01-m-blk", "name": "Tシャツ", "price": 2500, "units": 2,
              "tax_rate": Decimal("0.100"), "sku_info": "カラー:ブラック\nサイズ:M", "selected_choice": ""}
    values.update(fields)
    return OrderLine.objects.create(order=order, package=package, item_detail_id=detail, **values)


@pytest.fixture
def shop(make_account, make_store, make_sku):
    """Two orders with several packages, lines and shipments, one order of another account, one with no lines."""
    store = make_store()
    account = make_account("楽天本店", stores=[store])
    sku = make_sku("TEE01-M-BLK")
    card = PaymentMethod.objects.create(code="card", name="カード決済")
    first = _order(account, "000001-20250301-00000001", datetime(2025, 3, 1, 0, 0, 0, 250000, tzinfo=JST),
                   payment_method=card, buyer_name=FORMULA_NAME)
    home = _package(first, 11, "楽天 花子")
    office = _package(first, 12, "-楽天 次郎", recipient_kana="")
    _line(first, home, 101, sku=sku)
    _line(first, home, 102, manage_number="mug01", variant_id="", name="マグ①", price=1200, units=1,
          tax_rate=Decimal("0.080"), sku_info="", selected_choice="ラッピング:希望する")
    _line(first, office, 103, manage_number="cap01", variant_id="cap01-f", name="キャップ", price=800, units=3)
    _line(first, office, 104, name="削除された明細", removed=True)
    Shipment.objects.create(order=first, package=home, delivery_company="1001", tracking_number="1234-5678-9012",
                            shipped_on=date(2025, 3, 2), store=store)
    Shipment.objects.create(order=first, package=home, delivery_company="1002", tracking_number="9999",
                            shipped_on=date(2025, 3, 3))
    Shipment.objects.create(order=first, package=office, delivery_company="1003", tracking_number="0000",
                            shipped_on=date(2025, 3, 2), deleted=True)  # deleted here: not in the export
    second = _order(account, "000001-20250331-00000002", datetime(2025, 3, 31, 23, 59, 59, tzinfo=JST),
                    order_progress=100, state="new", buyer_kana="", settlement_method_name="代金引換")
    _line(second, _package(second, 21, "鈴木 美咲"), 201, name="ソックス", price=500, units=1)
    empty = _order(account, "000001-20250401-00000003", datetime(2025, 4, 1, 0, 0, tzinfo=JST), order_progress=900,
                   state="cancelled")
    _order(make_account("別店舗"), "000002-20250315-00000009", datetime(2025, 3, 15, tzinfo=JST))
    return {"account": account, "first": first, "second": second, "empty": empty}


def _expected(shop) -> list[list]:
    """The rows written out by hand from the fixture: what a reader of the file must find."""
    first_head = ["000001-20250301-00000001", datetime(2025, 3, 1, 0, 0, 0), 300, "発送待ち", "引当済み",
                  FORMULA_NAME, "サトウ ショウタ", "090-1111-2222", "158-0094", "東京都世田谷区玉川1-14-1",
                  "クレジットカード", "カード決済", 5000, 600, 330, 0, 300, 100, 5930, 5530]
    home = [11, "楽天 花子", "ラクテン ハナコ", "100-0001", "東京都千代田区1-1", "03-1234-5678",
            "1001 / 1002", "ヤマト運輸 / 佐川急便", "1234-5678-9012 / 9999", "2025-03-02 / 2025-03-03"]
    office = [12, "-楽天 次郎", "", "100-0001", "東京都千代田区1-1", "03-1234-5678", "", "", "", ""]
    second_head = ["000001-20250331-00000002", datetime(2025, 3, 31, 23, 59, 59), 100, "注文確認待ち", "新規",
                   "佐藤 翔太", "", "090-1111-2222", "158-0094", "東京都世田谷区玉川1-14-1", "代金引換", "",
                   5000, 600, 330, 0, 300, 100, 5930, 5530]
    second_package = [21, "鈴木 美咲", "ラクテン ハナコ", "100-0001", "東京都千代田区1-1", "03-1234-5678", "", "", "",
                      ""]
    empty_head = ["000001-20250401-00000003", datetime(2025, 4, 1, 0, 0), 900, "キャンセル確定", "キャンセル",
                  "佐藤 翔太", "サトウ ショウタ", "090-1111-2222", "158-0094", "東京都世田谷区玉川1-14-1",
                  "クレジットカード", "", 5000, 600, 330, 0, 300, 100, 5930, 5530]
    return [
        first_head + home + ["tee01", "tee01-m-blk", "TEE01-M-BLK", "Tシャツ", "カラー:ブラック\nサイズ:M", "", 2500, 2,
                             10, 5000],
        first_head + home + ["mug01", "", "", "マグ①", "", "ラッピング:希望する", 1200, 1, 8, 1200],
        first_head + office + ["cap01", "cap01-f", "", "キャップ", "カラー:ブラック\nサイズ:M", "", 800, 3, 10, 2400],
        second_head + second_package + ["tee01", "tee01-m-blk", "", "ソックス", "カラー:ブラック\nサイズ:M", "", 500, 1,
                                        10, 500],
        empty_head + [""] * 20,
    ]


def _as_text(row: list) -> list[str]:
    """A row as CSV holds it: dates plainly, formula-looking text behind a quote."""
    def text(value) -> str:
        if isinstance(value, datetime):
            return value.strftime("%Y-%m-%d %H:%M:%S")
        if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
            return "'" + value
        return str(value)
    return [text(value) for value in row]


def _as_xlsx(row: list) -> tuple:
    """A row as the workbook holds it: blanks are empty cells, formula-looking text behind a quote."""
    def cell(value):
        if value == "":
            return None
        return "'" + value if isinstance(value, str) and value[:1] in ("=", "+", "-", "@") else value
    return tuple(cell(value) for value in row)


def _export(tmp_path, shop, fmt: str, *extra: str) -> bytes:
    output = tmp_path / f"orders.{fmt}"
    call_command("export_orders", "--account", shop["account"].name, "--format", fmt, "--output", str(output),
                 *extra, stdout=io.StringIO())
    return output.read_bytes()


def _csv(data: bytes, encoding: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode(encoding), newline="")))


def test_xlsx_matches_the_database_row_for_row(tmp_path, shop):
    sheet = load_workbook(io.BytesIO(_export(tmp_path, shop, "xlsx"))).active
    rows = list(sheet.values)
    assert rows[0] == tuple(HEADER) and len(HEADER) == 40
    assert rows[1:] == [_as_xlsx(row) for row in _expected(shop)]
    buyer = sheet.cell(row=2, column=HEADER.index("購入者名") + 1)
    assert buyer.data_type == "s" and buyer.value == "'" + FORMULA_NAME  # text, not a formula


def test_xlsx_is_laid_out_for_reading(tmp_path, shop):
    """Bold header kept in view, a filter on every column, ¥ amounts with commas, dates as dates, widths set."""
    sheet = load_workbook(io.BytesIO(_export(tmp_path, shop, "xlsx"))).active
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.b
    assert sheet.auto_filter.ref == f"A1:{sheet.cell(row=1, column=len(HEADER)).column_letter}{sheet.max_row}"
    column = {name: index + 1 for index, name in enumerate(HEADER)}
    assert sheet.cell(row=2, column=column["合計金額"]).number_format == '"¥"#,##0'
    assert sheet.cell(row=2, column=column["単価"]).number_format == '"¥"#,##0'
    assert sheet.cell(row=2, column=column["個数"]).number_format == "General"  # a count, not money
    assert sheet.cell(row=2, column=column["注文日時"]).number_format == "yyyy/mm/dd hh:mm:ss"
    def width(name: str) -> float:
        return sheet.column_dimensions[sheet.cell(row=1, column=column[name]).column_letter].width

    assert width("注文日時") >= 19 and width("注文番号") >= 24  # the date and the number fit
    assert 10 <= width("個数") < 20 and width("購入者住所") <= 40


@pytest.mark.parametrize(("extra", "encoding"), [((), "utf-8-sig"), (("--encoding", "cp932"), "cp932")])
def test_csv_matches_the_database_row_for_row(tmp_path, shop, extra, encoding):
    data = _export(tmp_path, shop, "csv", *extra)
    assert data.startswith(b"\xef\xbb\xbf") == (encoding == "utf-8-sig")
    rows = _csv(data, encoding)
    assert rows[0] == HEADER
    assert rows[1:] == [_as_text(row) for row in _expected(shop)]


def test_a_character_cp932_cannot_hold_stops_the_command_and_writes_no_file(tmp_path, shop):
    Order.objects.filter(pk=shop["second"].pk).update(buyer_name="𠮷田 太郎")
    output = tmp_path / "orders.csv"
    with pytest.raises(CommandError) as caught:
        call_command("export_orders", "--account", "楽天本店", "--format", "csv", "--encoding", "cp932",
                     "--output", str(output))
    message = str(caught.value)
    assert caught.value.returncode == 1
    assert "000001-20250331-00000002" in message and "購入者名" in message and "𠮷" in message
    assert list(tmp_path.iterdir()) == []
    assert "𠮷田 太郎" in _export(tmp_path, shop, "csv").decode("utf-8-sig")  # UTF-8 holds it


@pytest.mark.parametrize(("extra", "numbers"), [
    (("--since", "2025-03-01"), ["00000001", "00000002", "00000003"]),
    (("--since", "2025-03-02"), ["00000002", "00000003"]),
    (("--until", "2025-03-31"), ["00000001", "00000002"]),
    (("--until", "2025-02-28"), []),
    (("--since", "2025-03-31", "--until", "2025-03-31"), ["00000002"]),
])
def test_since_and_until_are_inclusive_jst_order_dates(tmp_path, shop, extra, numbers):
    rows = _csv(_export(tmp_path, shop, "csv", *extra), "utf-8-sig")[1:]
    assert sorted({row[0][-8:] for row in rows}) == numbers  # never the other account's order


def test_order_dates_are_jst_whatever_time_zone_the_server_runs_in(tmp_path, shop, settings):
    settings.TIME_ZONE = "UTC"
    rows = _csv(_export(tmp_path, shop, "csv", "--since", "2025-03-01", "--until", "2025-03-01"), "utf-8-sig")
    assert [(row[0][-8:], row[1]) for row in rows[1:]] == [("00000001", "2025-03-01 00:00:00")] * 3


@pytest.mark.parametrize("extra", [("--since", "2025-04-01", "--until", "2025-03-01"), ("--encoding", "cp932")])
def test_the_command_refuses_contradicting_options(tmp_path, shop, extra):
    with pytest.raises(CommandError):
        call_command("export_orders", "--account", "楽天本店", "--format", "xlsx", "--output",
                     str(tmp_path / "x.xlsx"), *extra)
    assert list(tmp_path.iterdir()) == []


def test_the_rows_take_a_constant_number_of_queries(shop, django_assert_num_queries, make_order):
    """Packages, lines and shipments are prefetched per chunk: more orders, not more queries."""
    with django_assert_num_queries(4):
        rows = list(order_rows(Order.objects.all()))
    for _ in range(20):
        make_order(shop["account"], [(None, 1), (None, 2)])
    with django_assert_num_queries(4):
        more = list(order_rows(Order.objects.all()))
    assert len(more) == len(rows) + 40


def test_rows_across_chunk_boundaries_are_the_same_as_in_one_chunk(shop, django_assert_num_queries):
    """Four orders in chunks of two: the order query, then packages, shipments and lines once per chunk."""
    whole = list(order_rows(Order.objects.all()))
    with django_assert_num_queries(1 + 3 * 2):
        chunked = list(order_rows(Order.objects.all(), chunk_size=2))
    assert chunked == whole and len(whole) == 1 + 6


# --- the admin functions ------------------------------------------------------------------------------------


def _request(user, path: str = "/admin/orders/order/", method: str = "get", **params):
    request = getattr(RequestFactory(), method)(path, params)
    request.user = user
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


@pytest.fixture
def order_admin():
    return admin.site._registry[Order]


@pytest.mark.parametrize(("action", "content_type", "extension"), [
    (export_selected_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    (export_selected_csv, "text/csv; charset=utf-8", "csv"),
    (export_selected_csv_cp932, "text/csv; charset=Shift_JIS", "csv"),
])
def test_the_actions_return_the_file_of_the_selected_orders(shop, admin_user, order_admin, action, content_type,
                                                             extension):
    queryset = Order.objects.filter(pk=shop["second"].pk)
    response = action(order_admin, _request(admin_user, method="post"), queryset)
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"].startswith('attachment; filename="orders_')
    assert response["Content-Disposition"].endswith(f'.{extension}"')
    body = b"".join(response.streaming_content)
    if extension == "csv":
        rows = _csv(body, "cp932" if "Shift_JIS" in content_type else "utf-8-sig")
        assert [row[0] for row in rows[1:]] == ["000001-20250331-00000002"]
    entry = LogEntry.objects.get()
    assert entry.user == admin_user and entry.object_id is None
    assert entry.change_message.endswith((": 1", "：1件"))  # the count, in English or Japanese


def test_a_cp932_failure_in_the_admin_is_a_message_and_no_file(shop, admin_user, order_admin):
    Order.objects.filter(pk=shop["first"].pk).update(buyer_address="東京都𠮷祥寺")
    request = _request(admin_user, method="post")
    assert export_orders_action(order_admin, request, Order.objects.all(), "csv-cp932") is None
    [message] = list(get_messages(request))
    assert "000001-20250301-00000001" in message.message and "購入者住所" in message.message
    assert not LogEntry.objects.exists()


def test_the_filtered_export_is_what_the_list_shows(shop, admin_user, order_admin):
    request = _request(admin_user, "/admin/orders/order/export/", format="csv", q="佐藤", state__exact="new")
    response = export_filtered_view(order_admin, request)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = _csv(b"".join(response.streaming_content), "utf-8-sig")
    assert [row[0] for row in rows[1:]] == ["000001-20250331-00000002"]
    everything = export_filtered_view(order_admin, _request(admin_user, "/admin/orders/order/export/"))
    assert everything["Content-Type"].startswith("application/vnd.openxmlformats")
    numbers = [row[0] for row in list(load_workbook(io.BytesIO(b"".join(everything.streaming_content))).active.values)]
    assert sorted(numbers[1:]) == sorted(["000001-20250301-00000001"] * 3 + ["000001-20250331-00000002",
                                          "000001-20250401-00000003", "000002-20250315-00000009"])


def test_the_filtered_export_sends_a_cp932_failure_back_to_the_filtered_list(shop, admin_user, order_admin):
    Order.objects.filter(pk=shop["second"].pk).update(buyer_name="𠮷田")
    request = _request(admin_user, "/admin/orders/order/export/", format="csv-cp932", state__exact="new")
    response = export_filtered_view(order_admin, request)
    assert response.status_code == 302 and response["Location"] == "/admin/orders/order/?state__exact=new"
    assert "𠮷" in list(get_messages(request))[0].message


def test_the_export_needs_the_right_to_view_orders(shop, django_user_model, order_admin):
    staff = django_user_model.objects.create_user("clerk", password="pw", is_staff=True)
    with pytest.raises(PermissionDenied):
        export_filtered_view(order_admin, _request(staff, "/admin/orders/order/export/"))
    with pytest.raises(PermissionDenied):
        export_orders_action(order_admin, _request(staff, method="post"), Order.objects.all())
    assert export_selected_xlsx.allowed_permissions == ["view"]
