"""Label rows refused rather than cut, and the codes each carrier is given (marketplace-neutral layouts)."""

from __future__ import annotations

from datetime import date

import pytest

from rakuten_link.shipping.labels import (
    COD,
    MAILBOX,
    NORMAL,
    LabelProblems,
    LabelRow,
    Party,
    ReturnFileError,
    b2,
    clickpost,
    ehiden,
    slot_of,
)
from rakuten_link.shipping.labels.text import TooLong, split

SENDER = Party("楽天ショップ", "158-0094", "東京都世田谷区玉川1-14-1", "03-1234-5678")
OPTIONS = {"b2_billing_code": "0312345678"}


def row(**fields) -> LabelRow:
    values = {"key": "000001-20260101-00000001-1", "kind": NORMAL, "ship_on": date(2026, 5, 1),
              "recipient": Party("楽天 花子", "150-0001", "東京都渋谷区神宮前1-2-3", "090-1234-5678",
                                 "ラクテン ハナコ"),
              "sender": SENDER, "item_name": "雑貨"}
    values.update(fields)
    return LabelRow(**values)


def test_a_field_is_split_without_cutting_a_character_and_refused_when_it_does_not_fit():
    assert split("あいうえおabc", [5, 20]) == ["あい", "うえおabc"]  # 5 bytes hold two full-width characters
    with pytest.raises(TooLong):
        split("あ" * 20, [16, 16])


def test_an_address_too_long_for_b2_and_a_missing_phone_are_both_listed():
    recipient = Party("楽天 花子", "150-0001", "東京都" + "長い町名" * 20, "")
    with pytest.raises(LabelProblems) as caught:
        b2.make(row(recipient=recipient), OPTIONS)
    reasons = " ".join(caught.value.reasons)
    assert "お届け先住所" in reasons and "お届け先電話番号" in reasons


@pytest.mark.parametrize("term, code", [(1, "0812"), (812, "0812"), (1416, "1416"), (1921, "1921")])
def test_b2_time_slots_are_todays_codes(term, code):
    assert b2.make(row(slot=slot_of(term)), OPTIONS)[6] == code


@pytest.mark.parametrize("term", [1214, 2021, 2])  # Yamato dropped 12–14 and 20–21 in 2017; 午後 is no slot
def test_a_slot_b2_does_not_offer_refuses_the_row(term):
    with pytest.raises(LabelProblems):
        b2.make(row(slot=slot_of(term)), OPTIONS)


def test_sagawa_keeps_12_to_14_and_writes_names_full_width():
    cells = ehiden.make(row(slot=slot_of(1214)), {})
    assert cells[45] == "12" and cells[7] == "楽天　花子" and cells[43] == "001"


def test_cod_is_collect_with_the_amount_and_the_mailbox_takes_no_slot():
    cells = b2.make(row(kind=COD, cod_amount=5400, cod_tax=400), OPTIONS)
    assert (cells[1], cells[33], cells[34]) == ("2", "5400", "400")
    with pytest.raises(LabelProblems):
        b2.make(row(kind=MAILBOX, slot="am"), OPTIONS)
    assert b2.make(row(kind=MAILBOX), {**OPTIONS, "b2_mailbox_type": "7"})[1] == "7"


def test_kana_goes_half_width_and_a_character_shift_jis_lacks_is_refused():
    assert b2.make(row(), OPTIONS)[16] == "ﾗｸﾃﾝ ﾊﾅｺ"
    with pytest.raises(LabelProblems) as caught:
        b2.make(row(recipient=Party("🍎 花子", "150-0001", "東京都渋谷区", "03-1111-2222")), OPTIONS)
    assert "🍎" in caught.value.reasons[0]


def test_clickpost_has_eight_columns_refuses_cod_and_its_download_is_read_by_header():
    with pytest.raises(LabelProblems):  # the key does not fit in 30 bytes beside the description
        clickpost.make(row(), {"clickpost_key_in_contents": True})
    cells = clickpost.make(row(), {"clickpost_key_in_contents": True, "clickpost_contents_bytes": 40})
    assert len(cells) == 8 and cells[2] == "様" and cells[7] == "雑貨 000001-20260101-00000001-1"
    with pytest.raises(LabelProblems):
        clickpost.make(row(kind=COD, cod_amount=1000), {})
    rows = [(1, ["お問い合わせ番号", "お客様管理番号"]), (2, ["1234-5678-9012", "000001-20260101-00000001-1"])]
    issued = list(clickpost.read(rows, {}, date(2026, 5, 2)))
    assert [(i.line, i.key, i.tracking_number, i.shipped_on) for i in issued] == [
        (2, "000001-20260101-00000001-1", "123456789012", "2026-05-02")]
    with pytest.raises(ReturnFileError):
        list(clickpost.read([(1, ["伝票番号"])], {}, date(2026, 5, 2)))
