"""Which encoding an uploaded CSV is in: UTF-8 (with or without BOM) or cp932, and nothing else.

Strict decoding alone is not enough: cp932 decodes most EUC-JP text without an error (テスト商品 becomes
･ﾆ･ｹ･ﾈｾｦﾉﾊ) and much Latin-1 text too (Crème becomes Cr鑪e). So a file that decodes as cp932 is also read
as EUC-JP and as a Western encoding, and charset-normalizer's mess ratio (how much a text looks like
mojibake) decides: when another reading looks at least as clean, the file is refused rather than guessed.
Control characters (NUL and the like) refuse a file in any encoding: that is UTF-16 or a binary file.

The file is read in chunks from its stream, never decoded whole: a 20 MB upload stays on disk.
"""

from __future__ import annotations

import codecs
import re
from typing import BinaryIO

from charset_normalizer.md import mess_ratio
from django.utils.translation import gettext as _

ACCEPTED = ("utf-8-sig", "cp932")
CHUNK = 1 << 20
SAMPLE_BYTES = 32 * 1024  # lines holding non-ASCII bytes, judged for plausibility
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NON_ASCII = re.compile(rb"[\x80-\xff]")
_KANA = re.compile(r"[\u3041-\u30ff]")  # full-width hiragana and katakana


class EncodingRefused(Exception):
    """Neither UTF-8 nor a plausible cp932."""


def refusal_message() -> str:
    return _("The file is neither UTF-8 nor Shift_JIS (cp932). Save it as CSV (UTF-8) and retry.")


def detect_encoding(stream: BinaryIO) -> str:
    """The codec name to read ``stream`` with; raises EncodingRefused. Leaves the stream at its start."""
    try:
        for encoding in ACCEPTED:
            sample = _strict_sample(stream, encoding)
            if sample is None:
                continue
            if encoding == "cp932" and not _plausible_cp932(sample):
                break
            return encoding
    finally:
        stream.seek(0)
    raise EncodingRefused(refusal_message())


def _strict_sample(stream: BinaryIO, encoding: str) -> bytes | None:
    """Decode the whole stream strictly, chunk by chunk; the first non-ASCII lines, or None if it fails."""
    stream.seek(0)
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    sample, carry = bytearray(), b""
    while True:
        chunk = stream.read(CHUNK)
        try:
            text = decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError:
            return None
        if _CONTROL.search(text):
            return None
        if len(sample) < SAMPLE_BYTES:
            lines = carry + chunk + (b"" if chunk else b"\n")
            cut = lines.rfind(b"\n") + 1
            carry = lines[cut:]
            _add_lines(sample, lines[:cut])
        if not chunk:
            return bytes(sample)


def _add_lines(sample: bytearray, lines: bytes) -> None:
    """Append the lines holding a non-ASCII byte, whole, while the sample has room."""
    if not _NON_ASCII.search(lines):
        return
    for line in lines.split(b"\n"):
        if _NON_ASCII.search(line):
            if len(sample) + len(line) + 1 > SAMPLE_BYTES:
                return
            sample += line + b"\n"


def _plausible_cp932(sample: bytes) -> bool:
    """False when the non-ASCII lines read at least as cleanly as EUC-JP, or more cleanly as Western text."""
    own = _mess(sample.decode("cp932"))
    euc = _decoded(sample, "euc_jp")
    if euc is not None and (_mess(euc) < own or (_mess(euc) == own and _KANA.search(euc))):
        return False
    return not any(alt is not None and _mess(alt) < own for alt in (_decoded(sample, "cp1252"),
                                                                      _decoded(sample, "latin-1")))


def _decoded(sample: bytes, encoding: str) -> str | None:
    try:
        return sample.decode(encoding)
    except UnicodeDecodeError:
        return None


def _mess(text: str) -> float:
    return mess_ratio(text, maximum_threshold=1.0) if text else 0.0
