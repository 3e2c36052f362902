"""日本郵便 ゆうプリR: the 発送予定データ layout its 取込用フィルタ reads, and the file an 出力用フィルタ gives back.

ゆうプリR imports through a filter the shop registers, so this layout is the common 発送予定データ one (columns
1–66 in their usual places, then 代引金額, 代引消費税金額 and 品名); the filter must say the same. The label code
(送り状種別) and most 配達時間帯区分 codes depend on the shop's registration: they are settings.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date

from django.utils.translation import gettext as _

from . import CHILLED, COD, COMPACT_COD, FROZEN, MAILBOX, Issued, LabelRow, named
from .cells import Cells, ymd
from .text import digits

NAME = "ゆうプリR"
CARRIER_CODE = "1003"
HEADER = """
    お客様側管理番号 発送予定日 発送予定時間区分 出荷期限日
    到着期限日 郵便種別 保冷種別 元／着払／代引
    書留／セキュリティ／特定記録種別 配達時間帯指定郵便種別 送り状種別 お届け先コード
    お届け先郵便番号 お届け先住所１ お届け先住所２ お届け先住所３
    お届け先名称１ お届け先名称２ お届け先敬称区分 お届け先電話番号
    お届け先メールアドレス１ 局留め・予告メール区分1 局留め・予告メール区分2 局留め・予告メール区分3
    局留め・予告メール区分4 局留め・予告メール区分5 局留め・予告メール区分6 ご依頼主コード
    集荷先と同一区分 ご依頼主郵便番号 ご依頼主住所１ ご依頼主住所２
    ご依頼主住所３ ご依頼主名称１ ご依頼主名称２ ご依頼主敬称区分
    ご依頼主電話番号 ご依頼主メールアドレス 荷送人指図区分 お届け通知メール区分
    お届け通知はがき区分 集荷先1 集荷先2 集荷先3
    集荷先4 集荷先5 集荷先6 集荷先7
    集荷先8 集荷先9 集荷先10 集荷先11
    集荷先12 受注番号 こわれもの区分 なまもの区分
    ビン類区分 逆さま厳禁区分 下積み厳禁区分 商品サイズ区分
    重量合計（ｇ） 予備１ 予備２ 速達・配達日指定種別
    配達指定日／希望日 配達時間帯区分 代引金額 代引消費税金額
    品名
""".split()
assert len(HEADER) == 69
COOL = {"": "0", CHILLED: "1", FROZEN: "2"}
DEFAULT_SLOTS = {"": "00", "1214": "52"}  # the only two codes known for sure; the rest are settings
RETURN_COLUMNS = {"key": "お客様側管理番号", "tracking_number": "お問い合わせ番号", "shipped_on": "発送日"}


def make(row: LabelRow, options: dict) -> list[str]:
    c = Cells(row, NAME)
    cells = [""] * 69
    width = int(options.get("yupri_field_bytes", 50))
    cells[0] = c.text(HEADER[0], row.key, int(options.get("yupri_key_bytes", 50)))
    cells[1] = ymd(row.ship_on, "%Y%m%d")
    cells[5] = "9" if row.kind == MAILBOX else "0"  # ゆうパケット / ゆうパック
    cells[6] = COOL[row.cool]
    cells[7] = "2" if row.kind in (COD, COMPACT_COD) else "0"
    cells[10] = c.required(_("ゆうプリR label code (label settings)"), digits(options.get("yupri_label_code", "")))
    recipient, sender = row.recipient, row.sender
    cells[12] = c.required(HEADER[12], recipient.zip_code)
    cells[13:16] = c.split(HEADER[13], recipient.address, [width] * 3, required=True)
    cells[16] = c.text(HEADER[16], recipient.name, width, required=True)
    cells[18] = "0"  # 様
    cells[19] = c.text(HEADER[19], recipient.phone, 15, required=True)
    cells[29] = c.required(HEADER[29], sender.zip_code)
    cells[30:33] = c.split(HEADER[30], sender.address, [width] * 3, required=True)
    cells[33] = c.text(HEADER[33], sender.name, width, required=True)
    cells[36] = c.text(HEADER[36], sender.phone, 15, required=True)
    cells[53] = c.text(HEADER[53], row.key, 50)
    if row.kind == MAILBOX:
        c.no_date_or_slot(_("A ゆうパケット parcel"))
    else:
        cells[64] = ymd(row.deliver_on, "%Y%m%d")
        cells[65] = c.slot({**DEFAULT_SLOTS, **options.get("yupri_slots", {})})
    if row.kind in (COD, COMPACT_COD):
        cells[66], cells[67] = str(row.cod_amount), str(min(row.cod_tax, row.cod_amount))
    cells[68] = c.text(HEADER[68], row.item_name, width, required=True)
    return c.done(cells)


def read(rows: Iterable[tuple[int, list[str]]], options: dict, today: date) -> Iterator[Issued]:
    return named.read(rows, columns(options), today)


def columns(options: dict) -> dict[str, str]:
    return {**RETURN_COLUMNS, **options.get("yupri_return_columns", {})}
