"""The line where each key of a CSV import first appeared, for "duplicate of line N", in little memory.

A dict of a million (store, SKU) keys to line numbers takes over 100 MB in Python; this table keeps the
keys' 64-bit hashes and the lines in two flat arrays (12 bytes a slot, open addressing), about 25 MB for
a million rows. Two different keys with the same hash would read as duplicates: with 64-bit hashes the
odds for a million rows are about one in 30 billion.
"""

from __future__ import annotations

from array import array
from collections.abc import Hashable

_EMPTY = 0


class SeenLines:
    def __init__(self, capacity: int = 1 << 14) -> None:
        self._hashes = array("q", bytes(8 * capacity))
        self._lines = array("i", bytes(4 * capacity))
        self._used = 0

    def first_line(self, key: Hashable, line: int) -> int | None:
        """The line ``key`` was seen on before, or None (and ``line`` is remembered for it)."""
        digest = hash(key) or 1  # 0 marks an empty slot
        hashes, mask = self._hashes, len(self._hashes) - 1
        slot = digest & mask
        while True:
            found = hashes[slot]
            if found == digest:
                return self._lines[slot]
            if found == _EMPTY:
                break
            slot = (slot + 1) & mask
        hashes[slot], self._lines[slot] = digest, line
        self._used += 1
        if self._used * 2 > len(hashes):
            self._grow()
        return None

    def _grow(self) -> None:
        old_hashes, old_lines = self._hashes, self._lines
        capacity = len(old_hashes) * 2
        self._hashes = array("q", bytes(8 * capacity))
        self._lines = array("i", bytes(4 * capacity))
        hashes, lines, mask = self._hashes, self._lines, capacity - 1
        for digest, line in zip(old_hashes, old_lines, strict=True):
            if digest != _EMPTY:
                slot = digest & mask
                while hashes[slot] != _EMPTY:
                    slot = (slot + 1) & mask
                hashes[slot], lines[slot] = digest, line
