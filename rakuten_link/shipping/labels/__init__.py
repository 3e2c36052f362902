"""Carrier label files: the rows the label software imports, and the issued numbers it gives back.

Marketplace-neutral: a ``LabelRow`` says what one parcel needs (who, where, when, how, how much to collect)
and each carrier module turns it into that carrier's columns (``b2``: ヤマト B2クラウド, ``ehiden``: 佐川 e飛伝Ⅲ,
``yupri``: 日本郵便 ゆうプリR, ``clickpost``: クリックポスト), or says why it cannot (``LabelProblems``). Each
module also reads the file its software gives back into ``Issued`` rows. The Rakuten side (which order
becomes which row, the shop's settings) is ``rakuten_link.shipping.label_export`` / ``label_import``;
docs/carriers.md describes the layouts, their sources of doubt and the settings that cover them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

# What kind of parcel a row is; each carrier maps these to its own 送り状種別 / 郵便種別.
NORMAL, COD, COMPACT, COMPACT_COD, MAILBOX = "normal", "cod", "compact", "compact_cod", "mailbox"
# Cool classes.
CHILLED, FROZEN = "chilled", "frozen"
# Time slots: "" none, "am" 午前中, "HHHH" from hour HH to hour HH ("1416"); anything else cannot be mapped.
AM = "am"


@dataclass(frozen=True)
class Party:
    """A recipient or the sender (ご依頼主): name, kana, postcode, address in one line, phone."""

    name: str
    zip_code: str
    address: str
    phone: str
    kana: str = ""


@dataclass
class LabelRow:
    """One label: one parcel of one package."""

    key: str  # お客様管理番号: how the issued number finds its package again
    kind: str
    ship_on: date
    recipient: Party
    sender: Party
    item_name: str
    cool: str = ""
    deliver_on: date | None = None
    slot: str = ""
    slot_label: str = ""  # the slot as the buyer chose it, for messages
    cod_amount: int = 0
    cod_tax: int = 0


@dataclass(frozen=True)
class Issued:
    """One row of a file the label software gave back: a parcel's tracking number under our key."""

    line: int
    key: str
    tracking_number: str
    shipped_on: str  # as written in the file; checked by the importer


@dataclass
class LabelProblems(Exception):
    """Why a row cannot be made: every reason at once, in the staff's language."""

    reasons: list[str] = field(default_factory=list)


class ReturnFileError(Exception):
    """A file given back that cannot be read at all (not this carrier's, a missing column)."""


def slot_of(term: int | None) -> str:
    """A requested delivery time as a slot: 0/None none, 1 午前 (and 8–12) "am", h1h2 "HHHH", else "?<term>"."""
    if not term:
        return ""
    if term == 1 or term in (812, 912):
        return AM
    start, end = divmod(term, 100)
    if 7 <= start <= 24 and 7 <= end <= 24 and start < end:
        return f"{start:02d}{end:02d}"
    return f"?{term}"
