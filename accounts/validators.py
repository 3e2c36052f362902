"""Normalisers and validators for what staff paste into the EC account form."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# What people type between the groups of a registration number (T7-0000-1205-0002, T 7000 …), after NFKC
# has folded full-width characters: hyphens, dashes, minus signs, the long-vowel mark and any space.
_INVOICE_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212\u30fc\uff70]")
_T_NUMBER = re.compile(r"T(\d{13})")
INVOICE_NUMBER_INPUT_LENGTH = 32
_SHOP_KEY = re.compile(r"[a-z0-9][a-z0-9_-]*")


def normalise_credential(value: str, *, label: str) -> str:
    """Trim what copy-paste adds (spaces, tabs, CR/LF) and refuse what RMS would reject.

    Stray whitespace is a documented cause of RMS authentication errors; trimming the ends is safe,
    but whitespace or non-ASCII inside the value means the wrong text was pasted.
    """
    trimmed = (value or "").strip().strip("\u3000").strip()
    if not trimmed:
        raise ValidationError(_("%(label)s is empty.") % {"label": label}, code="blank")
    if any(ch.isspace() for ch in trimmed):
        raise ValidationError(
            _("%(label)s contains a space or line break inside it; paste the value again.") % {"label": label},
            code="space",
        )
    if not trimmed.isascii() or not trimmed.isprintable():
        raise ValidationError(
            _("%(label)s may contain only half-width letters, digits and symbols.") % {"label": label},
            code="ascii",
        )
    return trimmed


def corporate_number_check_digit(base12: str) -> int:
    """National Tax Agency check digit for a 12-digit base (法人番号の指定を行うための省令 第2条).

    Weights are 1 for odd and 2 for even positions counted from the right.
    """
    total = sum(int(digit) * (1 if position % 2 else 2) for position, digit in enumerate(reversed(base12), start=1))
    return 9 - (total % 9)


def normalise_invoice_number(value: str) -> str:
    """適格請求書発行事業者登録番号 as typed (full-width, hyphens, spaces) → T + 13 digits, checked."""
    text = _INVOICE_SEPARATORS.sub("", unicodedata.normalize("NFKC", value or "")).upper()
    if not text:
        return ""
    validate_invoice_number(text)
    return text


def validate_invoice_number(value: str) -> None:
    """The stored form: T + 13 digits whose first digit checks the other 12 (a model field validator)."""
    match = _T_NUMBER.fullmatch(value or "")
    if not match:
        raise ValidationError(
            _("The registration number must be T followed by 13 digits (e.g. T1234567890123)."), code="format"
        )
    digits = match.group(1)
    if int(digits[0]) != corporate_number_check_digit(digits[1:]):
        raise ValidationError(
            _("The registration number's check digit is wrong; check for a typo."), code="check_digit"
        )


def normalise_shop_url(value: str) -> str:
    """Accept 'myshop', 'www.rakuten.co.jp/myshop' or a full URL; store https://www.rakuten.co.jp/myshop/."""
    text = (value or "").strip()
    if not text:
        raise ValidationError(_("Enter the shop URL."), code="blank")
    if _SHOP_KEY.fullmatch(text.lower()):
        return f"https://www.rakuten.co.jp/{text.lower()}/"
    if "://" not in text:
        text = "https://" + text
    parts = urlsplit(text)
    host = (parts.hostname or "").lower()
    shop_key = parts.path.strip("/").split("/")[0].lower() if parts.path.strip("/") else ""
    if not host or "." not in host or not shop_key or not _SHOP_KEY.fullmatch(shop_key):
        raise ValidationError(
            _("Enter the shop URL as shown in RMS, e.g. https://www.rakuten.co.jp/yourshop/."), code="invalid"
        )
    return f"https://{host}/{shop_key}/"


def shop_identity(url: str) -> str:
    """What makes two shop URLs the same shop: www. and item.rakuten.co.jp/KEY/ are one shop KEY."""
    try:
        normalised = normalise_shop_url(url)
    except ValidationError:
        return (url or "").strip().lower()
    parts = urlsplit(normalised)
    host = parts.hostname or ""
    if host == "rakuten.co.jp" or host.endswith(".rakuten.co.jp"):
        host = "rakuten.co.jp"
    return f"{host}{parts.path}"


def parse_prohibited_words(text: str) -> list[str]:
    """One word per line (commas also accepted); blanks and duplicates dropped, order kept."""
    words: list[str] = []
    for raw in re.split(r"[\n,、]", text or ""):
        word = raw.strip()
        if word and word not in words:
            words.append(word)
    return words
