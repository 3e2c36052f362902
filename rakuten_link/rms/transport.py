"""Pieces of the HTTP seam that are pure functions: headers, redaction, reading one response.

``RmsClient._request`` is the only code that sends HTTP; it uses these helpers so that its loop stays short.
Nothing here may put a credential, a query string or a header value into an exception or a log line.
"""

from __future__ import annotations

import base64
import json
import logging
import random
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import requests
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError

from .errors import RmsError, RmsTransientError, classify_response

REDACTED = "***"
RETRY_AFTER_CAP = 60.0  # a pathological Retry-After must not park a worker for hours


@dataclass
class Outcome:
    """What one attempt produced: a parsed body or an error, plus what the retry loop needs to know."""

    http_status: int | None = None
    body: Any = None
    error: RmsError | None = None
    retry_after: float | None = None
    # False only when we know RMS never saw the request (connect failed): then even a non-idempotent
    # call may be repeated safely.
    maybe_processed: bool = True


class _LicenseKeyScrubber(logging.Filter):
    """urllib3 logs every request URL at DEBUG; the license-expiry URL carries the licenseKey (§5)."""

    _pattern = re.compile(r"(licenseKey=)[^&\s\"']*")

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(self._scrub(a) for a in record.args)
        record.msg = self._scrub(record.msg)
        return True

    def _scrub(self, value: Any) -> Any:
        return self._pattern.sub(r"\1" + REDACTED, value) if isinstance(value, str) else value


logging.getLogger("urllib3.connectionpool").addFilter(_LicenseKeyScrubber())


def esa_authorization(service_secret: str, license_key: str) -> str:
    """``ESA base64(serviceSecret:licenseKey)`` (docs/rms.md §1.2)."""
    token = base64.b64encode(f"{service_secret}:{license_key}".encode()).decode("ascii")
    return f"ESA {token}"


class Redactor:
    """Replaces every credential spelling we know of in text RMS sent back (it may echo query values)."""

    def __init__(self, *secrets: str) -> None:
        self._secrets = sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text


def parse_retry_after(value: str | None) -> float | None:
    """Retry-After as seconds: either a number or an HTTP date."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, (parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds())
    except (TypeError, ValueError):
        return None


def read_response(function: str, response: requests.Response, redact: Redactor) -> Outcome:
    """Turn one HTTP response into an Outcome; the body of an error response is redacted first."""
    status = response.status_code
    text = response.content.decode("utf-8", errors="replace")
    retry_after = parse_retry_after(response.headers.get("Retry-After"))
    if status >= 300:
        text = redact(text)
    body: Any = None
    unreadable = False
    if text.strip():
        try:
            body = json.loads(text)
        except ValueError:
            unreadable = True
    error = classify_response(function, status, body, retry_after=retry_after)
    if error is None and unreadable:
        # A 2xx that is not JSON comes from a proxy or maintenance page, not from RMS itself.
        error = RmsTransientError(f"RMS {function}: unreadable response (HTTP {status})", http_status=status)
    return Outcome(http_status=status, body=body, error=error, retry_after=retry_after)


def network_failure(function: str, exc: requests.RequestException) -> Outcome:
    """Classify a requests exception without ever formatting it: its text contains the full URL."""
    kind = type(exc).__name__
    if isinstance(exc, requests.Timeout):
        message = f"RMS {function}: timed out ({kind})"
    elif isinstance(exc, requests.ConnectionError | requests.exceptions.ChunkedEncodingError):
        message = f"RMS {function}: connection failed ({kind})"
    else:
        return Outcome(error=RmsError(f"RMS {function}: request failed ({kind})"))
    return Outcome(error=RmsTransientError(message), maybe_processed=not _never_sent(exc))


def _never_sent(exc: requests.RequestException) -> bool:
    if isinstance(exc, requests.ConnectTimeout):
        return True
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return isinstance(reason, NewConnectionError | ConnectTimeoutError)


def backoff_delay(attempt: int, base: float, cap: float, retry_after: float | None) -> float:
    """Exponential backoff with full jitter; a server Retry-After wins when present."""
    if retry_after is not None:
        return min(retry_after, RETRY_AFTER_CAP)
    return random.uniform(0, min(cap, base * 2 ** (attempt - 1)))
