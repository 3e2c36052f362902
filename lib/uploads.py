"""Uploaded files kept between a CSV preview and its confirmation.

The confirm step re-checks the very bytes the staff member previewed, so nothing they did not see can slip
in between; the bytes wait under var/uploads with an unguessable token, and previews nobody confirmed are
removed after a day.
"""

from __future__ import annotations

import re
import secrets
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from django.conf import settings

MAX_AGE_SECONDS = 24 * 3600
_TOKEN = re.compile(r"^[0-9a-f]{32}$")


class PreviewStore:
    """Previewed uploads of one kind (``prefix``: "mappings", "shipments"), each tied to an account."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    def keep(self, data: bytes | BinaryIO, account_id: int) -> str:
        """Store the previewed file for the account (copied as a stream); returns the confirm form's token."""
        directory = self._directory()
        for old in directory.glob(f"{self.prefix}-*.csv"):
            if time.time() - old.stat().st_mtime > MAX_AGE_SECONDS:
                old.unlink(missing_ok=True)
        token = secrets.token_hex(16)
        path = directory / f"{self.prefix}-{account_id}-{token}.csv"
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            data.seek(0)
            with path.open("wb") as kept:
                shutil.copyfileobj(data, kept, 1 << 20)
        return token

    def read(self, token: str) -> tuple[int | None, bytes | None]:
        """(account id, bytes), or (None, None) for an unknown, expired or malformed token."""
        path = self._find(token)
        if path is None:
            return None, None
        return int(path.name.split("-")[1]), path.read_bytes()

    @contextmanager
    def open(self, token: str) -> Iterator[tuple[int, BinaryIO] | tuple[None, None]]:
        """(account id, the kept file open for reading), or (None, None) as read() gives."""
        path = self._find(token)
        if path is None:
            yield None, None
            return
        with path.open("rb") as stream:
            yield int(path.name.split("-")[1]), stream

    def size(self, token: str) -> int:
        """The kept file's size in bytes (0 for an unknown token): a big one is confirmed by a worker."""
        path = self._find(token)
        return path.stat().st_size if path is not None else 0

    def drop(self, token: str) -> None:
        path = self._find(token)
        if path is not None:
            path.unlink(missing_ok=True)

    def _find(self, token: str) -> Path | None:
        if not _TOKEN.match(token or ""):
            return None
        return next(self._directory().glob(f"{self.prefix}-*-{token}.csv"), None)

    @staticmethod
    def _directory() -> Path:
        path = Path(settings.VAR_DIR) / "uploads"
        path.mkdir(parents=True, exist_ok=True)
        return path
