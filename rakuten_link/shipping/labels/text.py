"""Text as the label software counts it: Shift_JIS (cp932) bytes, kana widths, fields that never split a character.

The carriers give their limits as 全角 N / 半角 2N, which is the width in cp932 bytes: a full-width character
is two bytes, a half-width one (ASCII, half-width kana) one. A value that does not fit is never cut: the
splitting functions raise ``TooLong`` and the row is shown to staff as one that cannot be made.
"""

from __future__ import annotations

import re
import unicodedata

ENCODING = "cp932"

# Characters that look the same to a person but cp932 cannot write, or writes as a different character than
# the label software shows (the wave dash family, minus signs, a non-breaking space, a few rare kanji forms).
_REPLACE = str.maketrans({
    "\u301c": "\uff5e", "\u2212": "\uff0d", "\u2014": "\u2015", "\u00a2": "\uffe0", "\u00a3": "\uffe1",
    "\u00ac": "\uffe2", "\u2016": "\u2225", "\u00a0": " ", "\U00020bb7": "吉", "\u7e6b": "繋", "\u4453": "臺",
    "\u2010": "-", "\u2011": "-", "\u2013": "-",
})
_HALF_KANA = {unicodedata.normalize("NFKC", chr(c)): chr(c) for c in range(0xFF66, 0xFF9E)}
_HALF_KANA.update({unicodedata.normalize("NFKC", half + "\uff9e"): half + "\uff9e"
                   for half in (chr(c) for c in range(0xFF66, 0xFF9E))
                   if len(unicodedata.normalize("NFKC", half + "\uff9e")) == 1})
_HALF_KANA.update({unicodedata.normalize("NFKC", half + "\uff9f"): half + "\uff9f"
                   for half in (chr(c) for c in range(0xFF8A, 0xFF8F))})
_HALF_KANA.update({"ー": "ｰ", "・": "･", "「": "｢", "」": "｣", "。": "｡", "、": "､", "\u3000": " ", "ヴ": "ｳﾞ"})
_SPACES = re.compile(r"[\s\u3000]+")


class TooLong(ValueError):
    """A value wider than its field(s); ``width`` is its width in bytes, ``limit`` what the field(s) take."""

    def __init__(self, width: int, limit: int) -> None:
        super().__init__(f"{width} > {limit}")
        self.width, self.limit = width, limit


class Unwritable(ValueError):
    """A character cp932 cannot hold (a rare kanji, an emoji): staff must change it in the order."""

    def __init__(self, char: str) -> None:
        super().__init__(char)
        self.char = char


def clean(text: str | None) -> str:
    """One line, look-alikes replaced, runs of spaces as one; raises Unwritable for a character cp932 lacks."""
    value = _SPACES.sub(" ", (text or "").translate(_REPLACE)).strip()
    for char in value:
        try:
            char.encode(ENCODING)
        except UnicodeEncodeError:
            raise Unwritable(char) from None
    return value


def width(text: str) -> int:
    """Width in cp932 bytes, as the label software counts its 全角/半角 limits."""
    return len(text.encode(ENCODING, errors="replace"))


def fit(text: str, limit: int) -> str:
    """``text`` if it takes at most ``limit`` bytes, else TooLong."""
    if width(text) > limit:
        raise TooLong(width(text), limit)
    return text


def split(text: str, limits: list[int] | tuple[int, ...]) -> list[str]:
    """``text`` spread over fields of ``limits`` bytes, filling each before the next and breaking at a space
    when one is near the end; a character is never split. TooLong when it does not fit in them all."""
    parts: list[str] = []
    rest = text
    for limit in limits:
        piece = _head(rest, limit)
        if len(piece) < len(rest):  # prefer to break after the last space of the piece, if not too early
            space = piece.rfind(" ")
            if space >= len(piece) // 2:
                piece = piece[:space + 1]
        parts.append(piece.strip())
        rest = rest[len(piece):]
    if rest.strip():
        raise TooLong(width(text), sum(limits))
    return parts


def _head(text: str, limit: int) -> str:
    """The longest start of ``text`` that fits in ``limit`` bytes."""
    used = 0
    for index, char in enumerate(text):
        used += width(char)
        if used > limit:
            return text[:index]
    return text


def half_kana(text: str) -> str:
    """Katakana (or hiragana) as half-width kana, for B2's カナ fields; other characters are left."""
    katakana = "".join(chr(ord(c) + 0x60) if "\u3041" <= c <= "\u3096" else c for c in text)
    return "".join(_HALF_KANA.get(c, c) for c in unicodedata.normalize("NFKC", katakana))


def full_width(text: str) -> str:
    """ASCII and half-width kana as full width, for carriers that print names and addresses full width."""
    out = []
    for char in unicodedata.normalize("NFKC", text) if any("\uff61" <= c <= "\uff9f" for c in text) else text:
        code = ord(char)
        out.append("\u3000" if char == " " else chr(code + 0xFEE0) if 0x21 <= code <= 0x7E else char)
    return "".join(out)


def digits(text: str) -> str:
    """Only the digits, full-width ones read as half-width."""
    return "".join(c for c in unicodedata.normalize("NFKC", text or "") if c.isdigit())


def phone(text: str) -> str:
    """A phone number with hyphens as given (RMS gives three parts joined), or the digits when none were given;
    "" for no number or one of fewer than 10 digits (no Japanese number is shorter)."""
    number = unicodedata.normalize("NFKC", text or "").strip()
    if len(digits(number)) < 10:
        return ""
    if re.fullmatch(r"\d+(-\d+){2}", number):
        return number
    return digits(number)


def postcode(text: str) -> str:
    """123-4567, or "" unless there are exactly seven digits."""
    number = digits(text)
    return f"{number[:3]}-{number[3:]}" if len(number) == 7 else ""
