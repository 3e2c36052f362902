"""出品禁止ワード matching that spelling tricks cannot slip past, and that tags cannot fake.

Text and words are folded the same way: HTML tags and entities removed, Unicode NFKC (ＳＡＬＥ → SALE,
ｾｰﾙ → セール), case folding (SALE → sale) and katakana → hiragana (セール → せーる), whitespace collapsed.
A block tag (<br>, <p>, <div>, <li>, <td> …) separates words, so it becomes a space; an inline tag
(<b>, <i>, <span>, <font> …) does not, so it vanishes: `<b>セ</b>ール` is セール, `セ<br>ール` is not.
Each folded character remembers where it came from, so a hit is shown in the original text.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass

INLINE_TAGS = frozenset({"a", "abbr", "b", "big", "cite", "code", "em", "font", "i", "img", "mark", "q", "ruby",
                         "rb", "rt", "s", "small", "span", "strike", "strong", "sub", "sup", "u", "wbr"})
_TOKEN = re.compile(r"<!--.*?-->|<\s*/?\s*([a-zA-Z][a-zA-Z0-9]*)[^>]*>|&(?:#\d+|#[xX][0-9a-fA-F]+|[a-zA-Z]+\d*);?",
                    re.S)
_MARK = re.compile(r"[\u0300-\u036f\u3099-\u309c\uff9e\uff9f]")  # combining / voiced marks join their base
CONTEXT = 15


@dataclass(frozen=True)
class Hit:
    """A prohibited word found in a text: the word and the original text around it."""

    word: str
    before: str
    found: str
    after: str


def _pieces(text: str) -> list[tuple[str, int, int]]:
    """(plain text, start, end) pieces of ``text`` with tags dropped or spaced and entities decoded."""
    pieces, position = [], 0
    for match in _TOKEN.finditer(text):
        pieces.extend(_chars(text, position, match.start()))
        token = match.group(0)
        if token.startswith("&"):
            pieces.append((html.unescape(token), match.start(), match.end()))
        elif token.startswith("<!--") or (match.group(1) or "").lower() not in INLINE_TAGS:
            pieces.append((" ", match.start(), match.end()))
        position = match.end()
    pieces.extend(_chars(text, position, len(text)))
    return pieces


def _chars(text: str, start: int, end: int) -> list[tuple[str, int, int]]:
    """Characters of text[start:end], a base character together with the marks that follow it."""
    out: list[tuple[str, int, int]] = []
    for index in range(start, end):
        char = text[index]
        if out and _MARK.match(char) and out[-1][2] == index:
            piece, first, _end = out[-1]
            out[-1] = (piece + char, first, index + 1)
        else:
            out.append((char, index, index + 1))
    return out


def _fold_piece(piece: str) -> str:
    folded = unicodedata.normalize("NFKC", piece).casefold()
    return "".join(chr(ord(c) - 0x60) if "\u30a1" <= c <= "\u30f6" else c for c in folded)


def fold(text: str, *, markup: bool = True) -> tuple[str, list[tuple[int, int]]]:
    """The folded text and, per folded character, the (start, end) of the original it came from."""
    pieces = _pieces(text) if markup else _chars(text, 0, len(text))
    out: list[str] = []
    spans: list[tuple[int, int]] = []
    for piece, start, end in pieces:
        for char in _fold_piece(piece):
            if char.isspace():
                if not out or out[-1] == " ":
                    continue
                char = " "
            out.append(char)
            spans.append((start, end))
    while out and out[-1] == " ":
        out.pop()
        spans.pop()
    return "".join(out), spans


def fold_word(word: str) -> str:
    return fold(word, markup=False)[0].strip()


def find_words(text: str, words: list[str], *, markup: bool = True) -> list[Hit]:
    """Every occurrence of any of ``words`` in ``text``, after folding both; in order of position."""
    folded, spans = fold(text or "", markup=markup)
    hits: list[tuple[int, Hit]] = []
    for word in dict.fromkeys(words):
        needle = fold_word(word)
        if not needle:
            continue
        at = folded.find(needle)
        while at >= 0:
            start, end = spans[at][0], spans[at + len(needle) - 1][1]
            # Context is cut at folded characters, never inside a tag or an entity.
            before_start = spans[max(0, at - CONTEXT)][0]
            after_end = spans[min(len(spans), at + len(needle) + CONTEXT) - 1][1]
            hit = Hit(word, _plain(text[before_start:start]).lstrip(), _plain(text[start:end]),
                      _plain(text[end:after_end]).rstrip())
            hits.append((start, hit))
            at = folded.find(needle, at + 1)
    return [hit for _start, hit in sorted(hits, key=lambda pair: pair[0])]


def _plain(fragment: str) -> str:
    """Original text for display: block tags as spaces, inline tags dropped, entities decoded."""

    def tag(match: re.Match) -> str:
        name = re.match(r"<\s*/?\s*([a-zA-Z][a-zA-Z0-9]*)", match.group(0))
        return "" if name and name.group(1).lower() in INLINE_TAGS else " "

    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]*>", tag, fragment)))
