"""The carrier and cancel-reason tables: names in, codes out (RMS rejects carrier names)."""

from __future__ import annotations

from rakuten_link.rms.codes import (
    CANCEL_REASONS,
    DELIVERY_COMPANIES,
    SHOP_CANCEL_REASONS,
    cancel_reason_name,
    carrier_choices,
    carrier_code,
    carrier_name,
)


def test_the_table_holds_rakutens_carriers_in_rmss_order():
    assert len(DELIVERY_COMPANIES) == 32 and carrier_choices()[1] == ("1001", "ヤマト運輸")


def test_a_carrier_is_found_by_code_or_by_name_however_it_was_typed():
    assert carrier_code("1002") == carrier_code(" 1002 ") == carrier_code(1002) == "1002"
    assert carrier_code("佐川急便") == carrier_code(" 佐川急便　") == "1002"
    assert carrier_code("日本郵便 楽天倉庫出荷") == carrier_code("日本郵便　楽天倉庫出荷") == "1029"
    assert carrier_code("ＵＰＳ") == carrier_code("ups") == carrier_code("Ups") == "1020"
    assert carrier_code("rakuten express") == "1028"
    assert carrier_code("西部運輸") == "1005" and carrier_code("日本トラック") == "1015"  # former names


def test_unknown_carriers_are_none_and_shown_as_given():
    assert carrier_code("ヤマト") is None and carrier_code("") is None and carrier_code(None) is None
    assert carrier_code("9999") is None
    assert carrier_name("1001") == "ヤマト運輸" and carrier_name(1003) == "日本郵便"
    assert carrier_name("9999") == "9999" and carrier_name(None) == ""


def test_cancel_reasons():
    assert cancel_reason_name(8) == "欠品" and cancel_reason_name("10") == "その他"
    assert cancel_reason_name(7) == "" and cancel_reason_name("x") == "" and cancel_reason_name(None) == ""
    assert set(SHOP_CANCEL_REASONS) == {8, 10, 13, 14, 15} and len(CANCEL_REASONS) == 11
