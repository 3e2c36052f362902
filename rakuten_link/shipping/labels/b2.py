"""ヤマト運輸 B2クラウド: the 97-column 外部データ取込 file, and its 発行済データ given back in the same layout.

B2 reads columns by position (the header row is for people; 取込開始行 = 2 skips it), so the header's
wording does not matter but the count and order do. Widths are cp932 bytes (全16 = 32 bytes).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.utils.translation import gettext as _

from . import CHILLED, COD, COMPACT, COMPACT_COD, FROZEN, MAILBOX, NORMAL, Issued, LabelRow, ReturnFileError
from .cells import Cells, ymd
from .text import digits, half_kana

NAME = "B2クラウド"
CARRIER_CODE = "1001"
_FIRST = (
    "お客様管理番号", "送り状種別", "クール区分", "伝票番号", "出荷予定日", "お届け予定（指定）日", "配達時間帯",
    "お届け先コード", "お届け先電話番号", "お届け先電話番号枝番", "お届け先郵便番号", "お届け先住所",
    "お届け先住所（アパートマンション名）", "お届け先会社・部門名１", "お届け先会社・部門名２", "お届け先名",
    "お届け先名略称カナ", "敬称", "ご依頼主コード", "ご依頼主電話番号", "ご依頼主電話番号枝番", "ご依頼主郵便番号",
    "ご依頼主住所", "ご依頼主住所（アパートマンション名）", "ご依頼主名", "ご依頼主略称カナ", "品名コード１", "品名１",
    "品名コード２", "品名２", "荷扱い１", "荷扱い２", "記事", "コレクト代金引換額（税込）", "コレクト内消費税額等",
    "営業所止置き", "営業所コード", "発行枚数", "個数口枠の印字", "ご請求先顧客コード", "ご請求先分類コード",
    "運賃管理番号",
)
_WEB_COLLECT = ("クロネコwebコレクトデータ登録", "クロネコwebコレクト加盟店番号",
                *(f"クロネコwebコレクト申込受付番号{n}" for n in "１２３"))
_MAILS = ("お届け予定ｅメール利用区分", "お届け予定ｅメールe-mailアドレス", "入力機種", "お届け予定ｅメールメッセージ",
          "お届け完了ｅメール利用区分", "お届け完了ｅメールe-mailアドレス", "お届け完了ｅメールメッセージ")
_AGENCY = tuple("""
    クロネコ収納代行利用区分 予備 収納代行請求金額（税込） 収納代行内消費税額等
    収納代行請求先郵便番号 収納代行請求先住所 収納代行請求先住所（アパートマンション名） 収納代行請求先会社・部門名１
    収納代行請求先会社・部門名２ 収納代行請求先名（漢字） 収納代行請求先名（カナ） 収納代行問合せ先名（漢字）
    収納代行問合せ先郵便番号 収納代行問合せ先住所 収納代行問合せ先住所（アパートマンション名） 収納代行問合せ先電話番号
    収納代行管理番号 収納代行品名 収納代行備考
""".split())
_SEARCH = tuple(name for n in "１２３４５" for name in (f"検索キータイトル{n}", f"検索キー{n}"))
_POST_MAILS = tuple(f"{what}{part}" for what in ("投函予定メール", "投函完了メール（お届け先宛）",
                                                "投函完了メール（ご依頼主宛）")
                    for part in ("利用区分", "e-mailアドレス", "メッセージ"))
HEADER = [*_FIRST, *_WEB_COLLECT, *_MAILS, *_AGENCY, "複数口くくりキー", *_SEARCH, "予備", "予備", *_POST_MAILS,
          "連携管理番号", "通知メールアドレス"]
assert len(HEADER) == 97

# 送り状種別. The mailbox code is a setting: ネコポス is "A", クロネコゆうパケット (which replaced it) "7".
TYPES = {NORMAL: "0", COD: "2", COMPACT: "8", COMPACT_COD: "9"}
# 配達時間帯 since Yamato's June 2017 change: 1214 and 2021 no longer exist.
SLOTS = {"": "", "am": "0812", "1416": "1416", "1618": "1618", "1820": "1820", "1921": "1921"}
COOL = {"": "0", CHILLED: "2", FROZEN: "1"}
KEY, TRACKING, SHIP_DATE = 0, 3, 4  # positions in 発行済データ


def make(row: LabelRow, options: dict) -> list[str]:
    """One row of 97 cells, or LabelProblems."""
    c = Cells(row, NAME)
    cells = [""] * 97
    mailbox = row.kind == MAILBOX
    cells[0] = c.text(HEADER[0], row.key, 50)
    cells[1] = options.get("b2_mailbox_type", "A") if mailbox else TYPES[row.kind]
    if row.cool and row.kind not in (NORMAL, COD):
        c.problem(_("%(carrier)s carries cool parcels only as 発払い or コレクト.") % {"carrier": NAME})
    cells[2] = COOL[row.cool] if row.kind in (NORMAL, COD) else ""
    cells[4] = ymd(row.ship_on, "%Y/%m/%d")
    if mailbox:
        c.no_date_or_slot(_("A mailbox parcel"))
    else:
        cells[5] = ymd(row.deliver_on, "%Y/%m/%d")
        cells[6] = c.slot(SLOTS)
    _party(c, cells, row.recipient, at=8, who=_("recipient"), kana_at=16)
    _party(c, cells, row.sender, at=19, who=_("sender"), kana_at=25)
    cells[27] = c.text(HEADER[27], row.item_name, 50, required=True)
    if row.kind in (COD, COMPACT_COD):
        limit = 30000 if row.kind == COMPACT_COD else 300000
        if not 1 <= row.cod_amount <= limit:
            c.problem(_("The amount to collect (%(amount)s yen) must be 1 to %(limit)s yen for %(carrier)s.")
                      % {"amount": f"{row.cod_amount:,}", "limit": f"{limit:,}", "carrier": NAME})
        cells[33], cells[34] = str(row.cod_amount), str(min(row.cod_tax, row.cod_amount))
    cells[39] = c.required(_("B2 billing customer code (label settings)"),
                           _billing(options.get("b2_billing_code", "")))
    cells[40] = digits(options.get("b2_billing_class", ""))
    cells[41] = digits(options.get("b2_freight_number", "01")) or "01"
    return c.done(cells)


def _party(c: Cells, cells: list[str], party, *, at: int, who: str, kana_at: int) -> None:
    """Phone, postcode, address (64 + 32 bytes for the building line) and name of the recipient or sender."""
    cells[at] = c.text(HEADER[at], party.phone, 15, required=True)
    zip_at = at + 2
    cells[zip_at] = c.required(HEADER[zip_at], party.zip_code)
    address_at = zip_at + 1
    cells[address_at], cells[address_at + 1] = c.split(HEADER[address_at], party.address, [64, 32], required=True)
    name_at = address_at + 4 if at == 8 else address_at + 2  # the recipient has two company lines between
    cells[name_at] = c.text(HEADER[name_at], party.name, 32, required=True)
    cells[kana_at] = c.text(HEADER[kana_at], party.kana, 50, convert=half_kana)


def _billing(code: str) -> str:
    """The contract's ご請求先顧客コード: 10–12 digits (hyphens as staff type them dropped), else ""."""
    number = digits(code)
    return number if 10 <= len(number) <= 12 else ""


def read(rows: Iterable[tuple[int, list[str]]]) -> Iterator[Issued]:
    """発行済データ: key in column 1, 伝票番号 in column 4, 出荷予定日 in column 5; the header row is skipped."""
    for line, cells in rows:
        if line == 1 and not _is_number(cells, TRACKING):
            continue  # the header row
        if len(cells) <= SHIP_DATE:
            raise ReturnFileError(_("Line %(line)d has %(n)d columns; a B2クラウド 発行済データ row has 97.")
                                  % {"line": line, "n": len(cells)})
        yield Issued(line, cells[KEY], cells[TRACKING].replace("-", ""), cells[SHIP_DATE])


def _is_number(cells: list[str], at: int) -> bool:
    return len(cells) > at and cells[at].replace("-", "").isdigit()


COLUMNS = {"key": HEADER[KEY], "tracking_number": HEADER[TRACKING], "shipped_on": HEADER[SHIP_DATE]}
