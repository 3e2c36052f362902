"""Making one row's cells while collecting every reason it cannot be made, so staff see them all at once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.utils.translation import gettext as _

from . import AM, LabelProblems, LabelRow
from .text import TooLong, Unwritable, clean, fit, split


class Cells:
    """The problems found so far for one row; ``done`` returns the cells or raises LabelProblems."""

    def __init__(self, row: LabelRow, carrier: str) -> None:
        self.row, self.carrier = row, carrier
        self.reasons: list[str] = []

    def problem(self, reason: str) -> None:
        self.reasons.append(reason)

    def text(self, label: str, value: str, limit: int, *, required: bool = False,
             convert: Callable[[str], str] | None = None) -> str:
        """``value`` cleaned (and converted), or "" with a problem when it is missing, unwritable or too wide."""
        parts = self.split(label, value, [limit], required=required, convert=convert)
        return parts[0] if parts else ""

    def split(self, label: str, value: str, limits: list[int], *, required: bool = False,
              convert: Callable[[str], str] | None = None) -> list[str]:
        try:
            cleaned = clean(value)
            if convert is not None:
                cleaned = convert(cleaned)  # full-width or kana forms of cp932 text stay writable
            if required and not cleaned:
                self.problem(_("%(field)s is missing.") % {"field": label})
                return ["" for _limit in limits]
            return split(cleaned, limits) if len(limits) > 1 else [fit(cleaned, limits[0])]
        except Unwritable as exc:
            self.problem(_("%(field)s has 「%(char)s」, a character Shift_JIS cannot hold: change it in the order.")
                         % {"field": label, "char": exc.char})
        except TooLong as exc:
            self.problem(_("%(field)s is too long for %(carrier)s: %(width)d bytes, it takes %(limit)d "
                           "(全角 %(chars)d 文字).") % {"field": label, "carrier": self.carrier, "width": exc.width,
                                                       "limit": exc.limit, "chars": exc.limit // 2})
        return ["" for _limit in limits]

    def required(self, label: str, value: str) -> str:
        if not value:
            self.problem(_("%(field)s is missing.") % {"field": label})
        return value

    def slot(self, codes: dict[str, str]) -> str:
        """The carrier's code for the row's slot; a slot it does not offer is a problem, never dropped."""
        slot = self.row.slot
        if not slot:
            return codes.get("", "")
        if slot in codes:
            return codes[slot]
        self.problem(_("%(carrier)s offers no time slot for the requested 「%(slot)s」: change the order's slot or "
                       "set a code for it in the label settings.") % {"carrier": self.carrier,
                                                                   "slot": slot_text(self.row)})
        return ""

    def no_date_or_slot(self, what: str) -> None:
        """Mailbox parcels take neither a delivery date nor a slot: a buyer's request is never dropped silently."""
        if self.row.deliver_on or self.row.slot:
            self.problem(_("%(what)s cannot be delivered on a requested date or time.") % {"what": what})

    def done(self, cells: list[str]) -> list[str]:
        if self.reasons:
            raise LabelProblems(self.reasons)
        return cells


def slot_text(row: LabelRow) -> str:
    if row.slot_label:
        return row.slot_label
    if row.slot == AM:
        return _("morning")
    if len(row.slot) == 4 and row.slot.isdigit():
        return f"{int(row.slot[:2])}–{int(row.slot[2:])}時"
    return row.slot.lstrip("?")


def ymd(day: date | None, form: str) -> str:
    return day.strftime(form) if day else ""
