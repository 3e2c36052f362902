"""Parsing of recorded RMS payloads (tests/fixtures/rms/) into the client's dataclasses; no HTTP."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from rakuten_link.rms.dates import JST, format_order_datetime, parse_date, parse_datetime
from rakuten_link.rms.errors import (
    RmsAuthError,
    RmsErrorDetail,
    RmsNotFoundError,
    RmsRateLimitedError,
    RmsRequestError,
    RmsTransientError,
    classify_response,
)
from rakuten_link.rms.parse_catalog import (
    parse_inventories,
    parse_item,
    parse_item_search,
    parse_license_expiry,
)
from rakuten_link.rms.parse_orders import (
    parse_confirm_results,
    parse_order,
    parse_orders,
    parse_search_page,
    parse_shipping_results,
)

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "rms"


def load(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-05-01T10:15:00+0900", datetime(2024, 5, 1, 10, 15, tzinfo=JST)),
        ("2024-05-01T10:15:00+09:00", datetime(2024, 5, 1, 10, 15, tzinfo=JST)),
        ("2026-11-28T23:59:59", datetime(2026, 11, 28, 23, 59, 59, tzinfo=JST)),
        ("2024-05-01 10:15:00", datetime(2024, 5, 1, 10, 15, tzinfo=JST)),
        ("2024-05-01T01:15:00Z", datetime(2024, 5, 1, 10, 15, tzinfo=JST)),
    ],
)
def test_it_reads_every_rms_datetime_spelling_as_an_aware_jst_time(text, expected):
    parsed = parse_datetime(text)
    assert parsed == expected
    assert parsed.utcoffset() == timedelta(hours=9) or text.endswith("Z")


@pytest.mark.parametrize("junk", [None, "", "  ", "not a date", 12])
def test_it_turns_junk_datetimes_into_none(junk):
    assert parse_datetime(junk) is None
    assert parse_date(junk) is None


def test_it_formats_request_datetimes_in_jst_without_a_colon_in_the_offset():
    assert format_order_datetime(datetime(2024, 4, 30, 15, 30, 5, tzinfo=JST)) == "2024-04-30T15:30:05+0900"
    assert format_order_datetime(datetime(2024, 4, 30, 15, 0)) == "2024-04-30T15:00:00+0900"  # naive = JST
    assert format_order_datetime(datetime(2024, 4, 30, 15, 0, tzinfo=UTC)) == "2024-05-01T00:00:00+0900"


def test_it_parses_a_full_sku_era_order():
    first, _ = parse_orders(load("get_order"))
    assert first.order_number == "111111-20240501-0000000101"
    assert (first.order_progress, first.sub_status_id, first.sub_status_name) == (300, 12, "入金待ち")
    assert first.order_datetime == datetime(2024, 5, 1, 10, 15, tzinfo=JST)
    assert first.shop_order_cfm_datetime == datetime(2024, 5, 1, 11, 0, 5, tzinfo=JST)
    assert first.shipping_cmpl_rpt_datetime is None
    money = (first.goods_price, first.goods_tax, first.postage_price, first.delivery_price, first.payment_charge)
    assert money == (5500, 500, 700, 0, 0)
    assert (first.total_price, first.request_price, first.coupon_all_total_price) == (6200, 5600, 500)
    assert first.used_point == 100
    assert (first.settlement_method_code, first.settlement_method_name) == (1, "クレジットカード")
    assert first.remarks.startswith("[配送日時指定:]\n")
    assert first.delivery_name == "宅配便"
    assert first.orderer.name == "楽天 太郎"
    assert first.orderer.email == "a1b2c3d4e5@pc.fw.rakuten.ne.jp"
    assert (first.orderer.zip_code, first.orderer.phone_number) == ("158-0094", "03-1234-5678")
    assert first.orderer.address == "東京都世田谷区玉川1-14-1"


def test_it_parses_packages_items_skus_and_shippings():
    first, _ = parse_orders(load("get_order"))
    (package,) = first.packages
    assert package.basket_id == 900001
    assert package.default_delivery_company_code == "1001"
    assert package.sender.name == "楽天 花子" and package.sender.prefecture == "大阪府"
    assert (package.postage_price, package.goods_price, package.total_price) == (700, 5500, 6200)
    tee, mug = package.items
    assert (tee.manage_number, tee.item_number, tee.price, tee.units) == ("tee01", "tee01", 3300, 1)
    assert (tee.variant_id, tee.merchant_defined_sku_id) == ("tee01-m-blk", "TEE01MBLK")
    assert tee.sku_info == "サイズ:M\nカラー:ブラック"
    assert tee.tax_rate == Decimal("0.1") and tee.include_tax_flag == 1 and tee.inventory_type == 2
    assert (mug.variant_id, mug.merchant_defined_sku_id, mug.sku_info) == ("", "", "")
    assert mug.tax_rate == Decimal("0.08") and mug.selected_choice == "ラッピング:あり"
    (shipping,) = package.shippings
    assert shipping.shipping_detail_id == 555001
    assert (shipping.delivery_company, shipping.delivery_company_name) == ("1001", "ヤマト運輸")
    assert shipping.shipping_date == date(2024, 5, 2)
    assert first.items == [tee, mug]


def test_it_parses_tax_summaries_and_coupons():
    first, _ = parse_orders(load("get_order"))
    ten, eight = first.tax_summaries
    assert (ten.tax_rate, ten.req_price, ten.req_price_tax) == (Decimal("0.1"), 3500, 318)
    assert (eight.tax_rate, eight.point) == (Decimal("0.08"), 100)
    (coupon,) = first.coupons
    assert (coupon.coupon_code, coupon.coupon_capital_code, coupon.item_id, coupon.coupon_total_price) == (
        "SHOP500",
        1,
        0,
        500,
    )


def test_it_keeps_the_exact_order_json_in_raw():
    body = load("get_order")
    first, second = parse_orders(body)
    assert first.raw == body["OrderModelList"][0]
    assert second.raw["postagePrice"] == -9999


def test_it_tolerates_a_pre_sku_order_with_nulls_and_unfixed_prices():
    _, old = parse_orders(load("get_order"))
    assert old.order_progress == 100 and old.sub_status_id is None and old.sub_status_name == ""
    assert old.shipping_cmpl_rpt_datetime == datetime(2019, 4, 9, 0, 32, 10, tzinfo=JST)
    assert (old.postage_price, old.total_price, old.request_price) == (None, None, None)
    assert old.goods_price == 2000 and old.used_point == 0
    assert old.settlement_method_code is None and old.settlement_method_name == ""
    assert old.tax_summaries == [] and old.coupons == []
    (package,) = old.packages
    assert package.basket_id == 7 and package.shippings == [] and package.sender.name == ""
    (item,) = package.items
    assert (item.item_number, item.variant_id, item.tax_rate) == ("test01is", "", Decimal("0.1"))
    assert item.selected_choice == "サイズ:S\nカラー:赤"


def test_it_reads_the_fix_time_and_the_delete_flags_the_order_sync_needs():
    package = {"packageDeleteFlag": 0, "ItemModelList": [{"deleteItemFlag": "1"}, {"deleteItemFlag": None}, {}]}
    order = parse_order({"orderFixDatetime": "2024-05-01T12:00:00+0900", "PackageModelList": [
        {"packageDeleteFlag": "1", "ItemModelList": [{"deleteItemFlag": 0}]}, package, None]})
    assert order.order_fix_datetime == datetime(2024, 5, 1, 12, 0, tzinfo=JST)
    assert [p.package_delete_flag for p in order.packages] == [True, False, False]
    assert [i.delete_item_flag for i in order.items] == [False, True, False, False]
    first, _ = parse_orders(load("get_order"))
    assert first.order_fix_datetime == datetime(2024, 5, 1, 11, 30, tzinfo=JST)
    assert not first.packages[0].package_delete_flag and not first.items[0].delete_item_flag
    assert parse_order(None).order_fix_datetime is None


def test_it_parses_an_empty_or_missing_order_list():
    assert parse_orders({"MessageModelList": [], "OrderModelList": None}) == []
    assert parse_orders(None) == []


def test_it_parses_a_search_page_and_a_no_hit_search():
    page = parse_search_page(load("search_order"), 2)
    assert page.order_numbers[0] == "111111-20240501-0000000101"
    assert (page.total_records, page.total_pages, page.page) == (2003, 3, 2)
    empty = parse_search_page(load("search_order_no_hits"), 1)
    assert (empty.order_numbers, empty.total_records, empty.total_pages, empty.page) == ([], 0, 0, 1)


def test_it_gives_one_confirm_result_per_requested_order():
    numbers = ["111111-20240501-0000000101", "111111-20240501-0000000102", "111111-20240501-0000000109"]
    ok, moved, silent = parse_confirm_results(load("confirm_order"), numbers)
    assert (ok.order_number, ok.ok, ok.code) == (numbers[0], True, "ORDER_EXT_API_CONFIRM_ORDER_INFO_101")
    assert (moved.ok, moved.code) == (False, "ORDER_EXT_API_CONFIRM_ORDER_ERROR_103")
    assert (silent.order_number, silent.ok, silent.code) == (numbers[2], False, "")


def test_it_parses_shipping_update_results():
    added, updated = parse_shipping_results(load("update_order_shipping"))
    assert (added.data_number, added.shipping_detail_id, added.code) == (
        1,
        555002,
        "ORDER_EXT_API_UPDATE_ORDERSHIPPING_INFO_101",
    )
    assert (updated.data_number, updated.shipping_detail_id) == (2, 555001)


def test_it_parses_an_item_with_selectors_and_variants():
    item = parse_item(load("item"))
    assert (item.manage_number, item.item_number, item.title) == ("tee01", "tee01", "Tシャツ")
    size, color = item.variant_selectors
    assert size == ("size", "サイズ", ["M", "L"])
    key, display_name, values = color
    assert (key, display_name, values) == ("color", "カラー", ["ブラック"])
    assert set(item.variants) == {"tee01-m-blk", "tee01-l-blk"}
    medium = item.variants["tee01-m-blk"]
    assert medium.merchant_defined_sku_id == "TEE01MBLK"
    assert medium.selector_values == {"size": "M", "color": "ブラック"}
    assert medium.standard_price == 3300  # sent as a string
    assert item.variants["tee01-l-blk"].standard_price == 3500  # sent as a number
    assert item.raw["genreId"] == "100000"


def test_it_parses_an_item_search_page_including_deleted_items():
    page = parse_item_search(load("item_search"))
    assert (page.num_found, page.next_cursor_mark) == (2, "AoE/BXRlZTAx")
    live, deleted = page.items
    assert live.variants["tee01-m"].standard_price == 3300
    assert (deleted.manage_number, deleted.title, deleted.variants) == ("gone01", "", {})


def test_it_parses_inventories_with_aware_timestamps():
    tee, mug = parse_inventories(load("inventory_bulk_get"))
    assert (tee.manage_number, tee.variant_id, tee.quantity) == ("tee01", "tee01-m-blk", 12)
    assert tee.updated == datetime(2024, 5, 1, 10, 20, 30, tzinfo=JST)
    assert mug.quantity == 0


def test_it_reads_the_license_expiry_as_jst():
    assert parse_license_expiry(load("license_expiry")) == datetime(2026, 11, 28, 23, 59, 59, tzinfo=JST)
    assert parse_license_expiry({}) is None


@pytest.mark.parametrize(
    ("status", "fixture", "cls", "code"),
    [
        (401, "error_auth_gateway", RmsAuthError, "GA0001"),
        (401, "error_auth_results", RmsAuthError, "ES01-01"),
        (400, "error_inventory_validation", RmsRequestError, "IE0004"),
        (404, "error_not_found", RmsNotFoundError, "GE0014"),
        (400, "search_order_error", RmsRequestError, "ORDER_EXT_API_SEARCH_ORDER_ERROR_009"),
    ],
)
def test_it_classifies_recorded_error_bodies(status, fixture, cls, code):
    error = classify_response("f", status, load(fixture))
    assert type(error) is cls
    assert error.code == code and error.http_status == status and error.permanent


def test_it_keeps_every_validation_detail_with_its_property_path():
    error = classify_response("f", 400, load("error_inventory_validation"))
    assert error.errors == [
        RmsErrorDetail("IE0004", "Max length of manageNumber must be within 32 bytes.", "inventories[0].manageNumber"),
        RmsErrorDetail("IE0003", "quantity must be between 0 and 99999.", "inventories[1].quantity"),
    ]
    assert "IE0004" in str(error) and "IE0003" in str(error)


def test_it_takes_order_api_details_from_error_messages_only():
    body = load("search_order_error")
    body["MessageModelList"].append({"messageType": "INFO", "messageCode": "X_INFO", "message": "fine"})
    error = classify_response("f", 400, body)
    assert [d.code for d in error.errors] == [
        "ORDER_EXT_API_SEARCH_ORDER_ERROR_009",
        "ORDER_EXT_API_SEARCH_ORDER_ERROR_011",
    ]


@pytest.mark.parametrize(
    ("status", "body", "cls"),
    [
        (400, {"Results": {"errorCode": "ES04-01", "message": "Bad Request"}}, RmsAuthError),
        (400, {"errors": [{"code": "GK0005", "message": "bad key"}]}, RmsAuthError),
        (403, None, RmsAuthError),
        (429, None, RmsRateLimitedError),
        (200, {"errors": [{"code": "GA0003", "message": "Too Many Requests"}]}, RmsRateLimitedError),
        (409, {"errors": [{"code": "CE0001", "message": "conflict"}]}, RmsRequestError),
        (415, {"errors": [{"code": "GE0012", "message": "Media Type"}]}, RmsRequestError),
        (500, {"errors": [{"code": "GE0019", "message": "Internal Server Error"}]}, RmsTransientError),
        (503, "<html>maintenance</html>", RmsTransientError),
    ],
)
def test_it_classifies_gateway_and_server_errors(status, body, cls):
    error = classify_response("f", status, body)
    assert type(error) is cls
    assert error.permanent is (cls in (RmsAuthError, RmsRequestError))


def test_a_success_is_not_an_error():
    assert classify_response("f", 200, {"MessageModelList": []}) is None
    assert classify_response("f", 204, None) is None


def test_the_client_package_imports_no_django():
    import subprocess
    import sys

    code = "import sys, rakuten_link.rms; print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"
    root = Path(__file__).resolve().parents[3]
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root)
    assert result.stdout.strip() == "[]"
