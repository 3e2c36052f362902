"""``RmsClient``: the one client for Rakuten RMS WEB SERVICE, with one HTTP seam (style rules 4-6).

Public methods map one-to-one to RMS functions and are grouped by API in ``api_orders`` and
``api_catalog``; this module owns construction, credentials and ``_request``, the only method that sends
HTTP. Facts (paths, limits, error shapes) come from docs/rms.md; each method names its section.
"""

from __future__ import annotations

import json as jsonlib
import logging
import time
from collections.abc import Callable
from typing import Any

import requests

from .api_catalog import CatalogApi
from .api_orders import OrderApi
from .ratelimit import RateLimiter
from .transport import Outcome, Redactor, backoff_delay, esa_authorization, network_failure, read_response
from .types import ApiCallInfo

logger = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.rms.rakuten.co.jp"


class RmsClient(OrderApi, CatalogApi):
    """Client for one RMS shop (one serviceSecret/licenseKey pair).

    ``rate_limiter`` paces calls per API family (None = no pacing; pass ``LocalRateLimiter()`` or a
    ``RedisRateLimiter`` in production). ``on_call`` receives an ``ApiCallInfo`` after every HTTP attempt,
    for audit rows; it never sees credentials, query strings or bodies.
    """

    def __init__(
        self,
        service_secret: str,
        license_key: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        connect_timeout: float = 5,
        read_timeout: float = 30,
        max_retries: int = 4,
        backoff_base: float = 0.5,
        backoff_max: float = 8,
        rate_limiter: RateLimiter | None = None,
        on_call: Callable[[ApiCallInfo], None] | None = None,
        session: requests.Session | None = None,
    ) -> None:
        # Stray spaces and CR/LF from copy-paste are a documented cause of auth failures (§1.2).
        secret = (service_secret or "").strip()
        key = (license_key or "").strip()
        if not secret or not key:
            raise ValueError("RMS serviceSecret and licenseKey are both required")
        self._license_key = key
        self._authorization = esa_authorization(secret, key)
        self._redact = Redactor(secret, key, self._authorization.removeprefix("ESA "))
        self.base_url = base_url.rstrip("/")
        self.timeout = (connect_timeout, read_timeout)
        self.max_retries = max(0, max_retries)
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.rate_limiter = rate_limiter
        self.on_call = on_call
        self._session = session or requests.Session()

    def __repr__(self) -> str:
        return f"RmsClient(base_url={self.base_url!r})"

    def _request(
        self,
        family: str,
        function: str,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict[str, Any] | None = None,
        idempotent: bool = True,
    ) -> Outcome:
        """Send one RMS call: pace, send, classify, report, and retry transient failures.

        Rate-limited and transient errors are retried up to ``max_retries`` times with full-jitter
        backoff (or the server's Retry-After). A call marked ``idempotent=False`` (adds a tracking row,
        RELATIVE stock change) is repeated only when RMS surely never saw it: a 429 or a failed connect.
        Errors are raised outside any ``except`` block so no requests exception (whose text holds the full
        URL, licenseKey included) is chained onto them.
        """
        for attempt in range(1, self.max_retries + 2):
            if self.rate_limiter is not None:
                self.rate_limiter.acquire(family)
            started = time.monotonic()
            outcome = self._send(function, method, path, json, params)
            self._report(function, method, path, outcome, started, attempt)
            error = outcome.error
            if error is None:
                return outcome
            safe_to_repeat = idempotent or outcome.http_status == 429 or not outcome.maybe_processed
            if error.permanent or not safe_to_repeat or attempt > self.max_retries:
                raise error
            delay = backoff_delay(attempt, self.backoff_base, self.backoff_max, outcome.retry_after)
            logger.warning(
                "RMS %s %s attempt %d failed (%s %s); retrying in %.2fs",
                function,
                path,
                attempt,
                type(error).__name__,
                error.code or outcome.http_status,
                delay,
            )
            time.sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    def _send(self, function: str, method: str, path: str, json: Any, params: dict[str, Any] | None) -> Outcome:
        headers = {
            "Authorization": self._authorization,
            "Content-Type": "application/json; charset=utf-8",
            "Accept": "application/json",
        }
        data = None if json is None else jsonlib.dumps(json, ensure_ascii=False).encode("utf-8")
        try:
            response = self._session.request(
                method,
                self.base_url + path,
                data=data,
                params=params,
                headers=headers,
                timeout=self.timeout,
                allow_redirects=False,
            )
        except requests.RequestException as exc:
            return network_failure(function, exc)
        return read_response(function, response, self._redact)

    def _report(self, function: str, method: str, path: str, outcome: Outcome, started: float, attempt: int) -> None:
        if self.on_call is None:
            return
        error = outcome.error
        info = ApiCallInfo(
            function=function,
            method=method,
            path=path.split("?", 1)[0],
            http_status=outcome.http_status,
            error_code=error.code if error else "",
            duration_ms=int((time.monotonic() - started) * 1000),
            attempt=attempt,
            error_class=type(error).__name__ if error else "",
        )
        try:
            self.on_call(info)
        except Exception:
            # An audit-row failure must not turn a successful RMS call into a failed sync.
            logger.exception("RMS on_call hook failed for %s", function)
