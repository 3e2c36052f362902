"""Code 128 (code set B) as an SVG, for the JAN and order numbers on the picking list.

Drawn here rather than with a library: the symbology is a fixed table of 107 bar patterns and a checksum,
and a USB scanner reads the printed digits back as typed text, which is all scan-to-ship needs.
"""

from __future__ import annotations

from html import escape

# Bar/space widths (in modules) of the 107 symbols; 103–105 are the starts, 106 the stop.
PATTERNS = """
212222 222122 222221 121223 121322 131222 122213 122312 132212 221213 221312 231212 112232 122132 122231 113222
123122 123221 223211 221132 221231 213212 223112 312131 311222 321122 321221 312212 322112 322211 212123 212321
232121 111323 131123 131321 112313 132113 132311 211313 231113 231311 112133 112331 132131 113123 113321 133121
313121 211331 231131 213113 213311 213131 311123 311321 331121 312113 312311 332111 314111 221411 431111 111224
111422 121124 121421 141122 141221 112214 112412 122114 122411 142112 142211 241211 221114 413111 241112 134111
111242 121142 121241 114212 124112 124211 411212 421112 421211 212141 214121 412121 111143 111341 131141 114113
114311 411113 411311 113141 114131 311141 411131 211412 211214 211232 2331112
""".split()
START_B, STOP = 104, 106
assert len(PATTERNS) == 107 and all(sum(map(int, p)) == 11 for p in PATTERNS[:106])


def symbols(text: str) -> list[int]:
    """Start B, one symbol per character (ASCII 32–126), the checksum, the stop; ValueError for other text."""
    values = []
    for char in text:
        if not 32 <= ord(char) <= 126:
            raise ValueError(char)
        values.append(ord(char) - 32)
    checksum = (START_B + sum(position * value for position, value in enumerate(values, start=1))) % 103
    return [START_B, *values, checksum, STOP]


def svg(text: str, *, module: float = 1.0, height: float = 28.0) -> str:
    """An inline SVG of ``text`` with a quiet zone of ten modules each side; "" for text Code 128 B cannot hold."""
    try:
        codes = symbols(text)
    except ValueError:
        return ""
    x, bars = 10, []
    for code in codes:
        for index, width in enumerate(PATTERNS[code]):
            if index % 2 == 0:  # a bar; the odd widths are the spaces between
                bars.append(f"M{x} 0h{width}v1h-{width}z")
            x += int(width)
    total = x + 10
    # One path in bar-module units, scaled by the viewBox: WeasyPrint draws one element per bar ten times slower.
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{total * module:g}" height="{height:g}" '
            f'viewBox="0 0 {total} 1" preserveAspectRatio="none" role="img" aria-label="{escape(text)}">'
            f'<path d="{"".join(bars)}"/></svg>')
