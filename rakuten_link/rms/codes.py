"""RMS code tables the back office shows and accepts: carriers, cancel reasons and settlement methods.

Django-free, like the rest of ``rms/``. Staff pick a carrier by name and the tracking CSV accepts a code or a
name, but RMS takes only the code (names are rejected, docs/rms.md §2.5), so every name is turned into its
code here before it is stored. Sources and confidence: docs/rms.md §2.8 (carriers) and §2.6 (reasons).
"""

from __future__ import annotations

import re
import unicodedata

from .. import carriers

# deliveryCompany / defaultDeliveryCompanyCode (§2.8): Rakuten's table, shared with the sandbox.
DELIVERY_COMPANIES: dict[str, str] = carriers.DELIVERY_COMPANIES

# Names older RMS lists used for the same codes (§2.8): a CSV made from an old export still reads.
FORMER_CARRIER_NAMES: dict[str, str] = {
    "西部運輸": "1005",
    "日本トラック": "1015",
}

# settlementMethodCode (§2.8). Names are Rakuten's own; orders carry the code, which is what payments key on.
SETTLEMENT_METHODS: dict[int, str] = {
    1: "クレジットカード",
    2: "代金引換",
    3: "後払い",
    4: "ショッピングクレジット／ローン",
    5: "オートローン",
    6: "リース",
    7: "請求書払い",
    8: "ポイント",
    9: "銀行振込",
    12: "Apple Pay",
    13: "セブンイレブン（前払）",
    14: "ローソン、郵便局ATM等（前払）",
    16: "Alipay",
    17: "PayPal",
    21: "後払い決済（楽天市場の共通決済）",
    27: "Alipay（支付宝）",
}
# getOrder answers of 2018 and 2019 carry settlementMethod only, sometimes with "決済" after the name
# (クレジットカード決済); the name is then all there is to key on.
_SETTLEMENT_SUFFIX = "決済"

# changeReasonDetailApply of cancelOrder (§2.6): buyer-side and shop-side reasons.
BUYER_CANCEL_REASONS: dict[int, str] = {
    1: "キャンセル",
    2: "受取後の返品",
    3: "長期不在による受取拒否",
    4: "未入金",
    5: "代引決済の受取拒否",
    6: "その他",
}
SHOP_CANCEL_REASONS: dict[int, str] = {
    8: "欠品",
    10: "その他",
    13: "発送遅延",
    14: "顧客・配送対応注意表示",
    15: "返品(破損・品間違い)",
}
CANCEL_REASONS: dict[int, str] = {**BUYER_CANCEL_REASONS, **SHOP_CANCEL_REASONS}

_SPACES = re.compile(r"\s+")


def _normalized(text: str) -> str:
    """Full-width letters and digits, spaces and case do not matter when a name is typed or exported."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", text or "")).casefold()


_CODE_BY_NAME: dict[str, str] = {
    **{_normalized(name): code for code, name in DELIVERY_COMPANIES.items()},
    **{_normalized(name): code for name, code in FORMER_CARRIER_NAMES.items()},
}


_SETTLEMENT_BY_NAME: dict[str, int] = {_normalized(name): code for code, name in SETTLEMENT_METHODS.items()}


def settlement_code(name: str | None) -> int | None:
    """The settlementMethodCode of a settlement name (as in the table, or with 決済 after it); None if unknown.

    Only for an order that lacks the code: a name is never trusted over a code RMS sent.
    """
    text = _normalized(name or "")
    if not text:
        return None
    found = _SETTLEMENT_BY_NAME.get(text)
    if found is None and text.endswith(_SETTLEMENT_SUFFIX):
        found = _SETTLEMENT_BY_NAME.get(text.removesuffix(_SETTLEMENT_SUFFIX))
    return found


def carrier_name(code: str | int | None) -> str:
    """The carrier's name for a code; an unknown code is shown as it is, so nothing is hidden."""
    text = "" if code is None else str(code).strip()
    return DELIVERY_COMPANIES.get(text, text)


def carrier_code(value: str | int | None) -> str | None:
    """The code for a carrier given by code or by name (current or former); None when it is neither."""
    text = _normalized("" if value is None else str(value))
    if text in DELIVERY_COMPANIES:
        return text
    return _CODE_BY_NAME.get(text)


def carrier_choices() -> list[tuple[str, str]]:
    """(code, name) pairs in RMS's order, for a form's select box."""
    return list(DELIVERY_COMPANIES.items())


def cancel_reason_name(code: int | str | None) -> str:
    """The reason's name for a changeReasonDetailApply code; "" for an unknown one."""
    try:
        return CANCEL_REASONS.get(int(code), "") if code is not None else ""
    except (TypeError, ValueError):
        return ""
