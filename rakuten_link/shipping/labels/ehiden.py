"""佐川急便 e飛伝Ⅲ: the 74-column 共通テンプレート 「標準_飛脚宅急便_CSV_ヘッダ有り」, and its 出荷データ given back.

Names and addresses are written full width, as Sagawa prints them. Sagawa publishes the e飛伝Ⅲ limits only
behind its login: a line's width, the key's width, the 出荷日 format and the columns of the file given back
are settings (docs/carriers.md), defaulting to the e飛伝Ⅱ values and to what working converters read.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.utils.translation import gettext as _

from . import CHILLED, COD, COMPACT_COD, FROZEN, MAILBOX, Issued, LabelRow, ReturnFileError
from .cells import Cells, ymd
from .text import digits, full_width

NAME = "e飛伝Ⅲ"
CARRIER_CODE = "1002"
HEADER = """
    お届け先コード取得区分 お届け先コード お届け先電話番号 お届け先郵便番号 お届け先住所１ お届け先住所２
    お届け先住所３ お届け先名称１ お届け先名称２ お客様管理番号 お客様コード 部署ご担当者コード取得区分
    部署ご担当者コード 部署ご担当者名称 荷送人電話番号 ご依頼主コード取得区分 ご依頼主コード ご依頼主電話番号
    ご依頼主郵便番号 ご依頼主住所１ ご依頼主住所２ ご依頼主名称１ ご依頼主名称２ 荷姿
    品名１ 品名２ 品名３ 品名４ 品名５ 荷札荷姿
    荷札品名１ 荷札品名２ 荷札品名３ 荷札品名４ 荷札品名５ 荷札品名６
    荷札品名７ 荷札品名８ 荷札品名９ 荷札品名１０ 荷札品名１１ 出荷個数
    スピード指定 クール便指定 配達日 配達指定時間帯 配達指定時間（時分） 代引金額
    消費税 決済種別 保険金額 指定シール１ 指定シール２ 指定シール３
    営業所受取 SRC区分 営業所受取営業所コード 元着区分 メールアドレス ご不在時連絡先
    出荷日 お問い合せ送り状No. 出荷場印字区分 集約解除指定 編集０１ 編集０２
    編集０３ 編集０４ 編集０５ 編集０６ 編集０７ 編集０８
    編集０９ 編集１０
""".split()
assert len(HEADER) == 74

SLOTS = {"": "", "am": "01", "1214": "12", "1416": "14", "1618": "16", "1820": "18", "1821": "04", "1921": "19"}
COOL = {"": "001", CHILLED: "002", FROZEN: "003"}


def make(row: LabelRow, options: dict) -> list[str]:
    c = Cells(row, NAME)
    cells = [""] * 74
    line = int(options.get("ehiden_line_bytes", 32))
    if row.kind == MAILBOX:
        c.problem(_("%(carrier)s has no mailbox service: choose another carrier for this order.") % {"carrier": NAME})
    recipient, sender = row.recipient, row.sender
    cells[2] = c.text(HEADER[2], recipient.phone, 14, required=True)
    cells[3] = c.required(HEADER[3], recipient.zip_code)
    cells[4:7] = c.split(HEADER[4], recipient.address, [line] * 3, required=True, convert=full_width)
    cells[7] = c.text(HEADER[7], recipient.name, line, required=True, convert=full_width)
    cells[9] = c.text(HEADER[9], row.key, int(options.get("ehiden_key_bytes", 50)))
    cells[10] = digits(options.get("ehiden_customer_code", ""))
    cells[14] = c.text(HEADER[14], sender.phone, 14)
    cells[17] = c.text(HEADER[17], sender.phone, 14, required=True)
    cells[18] = c.required(HEADER[18], sender.zip_code)
    cells[19:21] = c.split(HEADER[19], sender.address, [line] * 2, required=True, convert=full_width)
    cells[21] = c.text(HEADER[21], sender.name, line, required=True, convert=full_width)
    cells[23] = "001"  # 荷姿: 箱類
    cells[24] = c.text(HEADER[24], row.item_name, line, required=True, convert=full_width)
    cells[41], cells[42], cells[43] = "1", "000", COOL[row.cool]
    cells[44] = ymd(row.deliver_on, "%Y%m%d")
    cells[45] = c.slot(SLOTS)
    if row.kind in (COD, COMPACT_COD):
        cells[47], cells[48] = str(row.cod_amount), str(min(row.cod_tax, row.cod_amount))
        cells[49] = options.get("ehiden_cod_payment", "1")
    cells[57] = "1"  # 元払
    cells[60] = ymd(row.ship_on, options.get("ehiden_ship_date_format", "%Y%m%d"))
    return c.done(cells)


def read(rows: Iterable[tuple[int, list[str]]], options: dict) -> Iterator[Issued]:
    """出荷データ: tracking number, 出荷日 and our key at the (1-based) columns the settings name (1, 3, 19)."""
    tracking, day, key = (int(options.get(name, default)) - 1 for name, default in (
        ("ehiden_return_tracking_column", 1), ("ehiden_return_date_column", 3), ("ehiden_return_key_column", 19)))
    for line, cells in rows:
        number = cells[tracking].replace("-", "") if len(cells) > tracking else ""
        if line == 1 and not number.isdigit():
            continue  # the header row
        if len(cells) <= max(tracking, day, key):
            raise ReturnFileError(_("Line %(line)d has %(n)d columns; an %(carrier)s 出荷データ row needs %(need)d.")
                                  % {"line": line, "n": len(cells), "carrier": NAME,
                                     "need": max(tracking, day, key) + 1})
        yield Issued(line, cells[key], number, cells[day])


def columns(options: dict) -> dict[str, str]:
    """The error messages' column names: the position in the file given back."""
    return {"key": _("column %(n)s (お客様管理番号)") % {"n": options.get("ehiden_return_key_column", 19)},
            "tracking_number": _("column %(n)s (お問い合せ送り状No.)")
            % {"n": options.get("ehiden_return_tracking_column", 1)},
            "shipped_on": _("column %(n)s (出荷日)") % {"n": options.get("ehiden_return_date_column", 3)}}
