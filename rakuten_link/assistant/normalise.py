"""How codes, JANs, choice values and names are compared when variants are matched to our SKUs.

Pure functions (no Django): the matching engine, the proposals and the benchmark share them. Two
spellings that staff would call "the same code" must normalise to the same key: full-width letters and
digits (NFKC), upper and lower case, and the separators a POS, a spreadsheet or a Japanese input method
puts between the parts of a code (hyphens of every width and shape, the long-vowel mark typed for one,
underscores, spaces). Separators are dropped rather than unified, so ``TEE-01_M``, ``tee01m`` and
``ＴＥＥ－０１ Ｍ`` are one key.
"""

from __future__ import annotations

import re
import unicodedata

# Dash-like characters (after NFKC) that stand for a hyphen in a code, plus the underscore. The long
# vowel mark ー (ｰ after NFKC) is what an input method often types for "-" in a code.
_SEPARATORS = str.maketrans({c: None for c in "-‐‑‒–—―−﹣ー_"})
_SPACES = re.compile(r"\s+")
_NOT_DIGIT = re.compile(r"\D")
_TOKEN = re.compile(r"[^\W_]+")


def code_key(value: str) -> str:
    """A code's matching key: NFKC, case-folded, without separators or spaces ("" for no code)."""
    text = unicodedata.normalize("NFKC", value or "").casefold()
    return _SPACES.sub("", text.translate(_SEPARATORS))


def jan_key(value: str) -> str:
    """A JAN (EAN-8/13, UPC-A) as digits; "" when it is not one (a JAN matches only another JAN)."""
    digits = _NOT_DIGIT.sub("", unicodedata.normalize("NFKC", value or ""))
    if len(digits) not in (8, 12, 13) or not digits.strip("0"):
        return ""
    return digits.zfill(13) if len(digits) == 12 else digits


def value_key(value: str) -> str:
    """A choice value (M, ブラック, Ｌ) as staff read it: NFKC, case-folded, without spaces."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", str(value or "")).casefold())


def values_signature(values) -> tuple[str, ...]:
    """The choice values of a variant or the options of a SKU, names aside, as a sorted tuple."""
    return tuple(sorted(key for key in (value_key(v) for v in values) if key))


def name_key(value: str) -> str:
    """A product name or an item title for containment tests: NFKC, case-folded, words run together."""
    return "".join(_TOKEN.findall(unicodedata.normalize("NFKC", value or "").casefold()))
