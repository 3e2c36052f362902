"""The one error hierarchy raised by the RMS client, and the one place responses are classified.

Callers only ever need ``except RmsError`` plus ``err.permanent``: permanent errors (bad credentials,
validation, not found) must not be retried; transient ones (network, 5xx, rate limits) may be retried
later. See docs/rms.md §1.4 (gateway auth shapes) and §1.6 (error-body families).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Gateway codes that mean "these credentials cannot be used" (docs/rms.md §1.4): GA0001 = common
# gateway "Un-Authorised", GK = malformed credentials, ES01 = old gateway "Un-Authorised", ES04-01 = key not
# yet active or the API function is not enabled in RMS. Any 401/403 counts as well, whatever its code.
_AUTH_CODE_PREFIXES = ("GA0001", "GK", "ES01-", "ES04-01")
# No official over-limit body is known (§1.5/§10); these are the codes other gateways and the sandbox use.
_RATE_LIMIT_CODES = frozenset({"GA0003", "GE0429", "ES03-01", "TOO_MANY_REQUESTS"})
_NOT_FOUND_CODES = frozenset({"GE0014"})


@dataclass(frozen=True)
class RmsErrorDetail:
    """One entry of an RMS error body (``errors[]`` or an order API ``MessageModelList`` ERROR)."""

    code: str
    message: str
    property_path: str = ""


class RmsError(Exception):
    """Base of every error the client raises; never carries credentials, URLs with queries or headers."""

    permanent: bool = True

    def __init__(
        self,
        message: str,
        *,
        http_status: int | None = None,
        code: str | None = None,
        errors: tuple[RmsErrorDetail, ...] | list[RmsErrorDetail] = (),
        body: Any = None,
        function: str = "",
    ) -> None:
        super().__init__(message)
        self.message = message
        self.function = function  # the RMS function id the call was for ("" when not known)
        self.http_status = http_status
        self.code = code or ""
        self.errors = list(errors)
        # The parsed (already redacted) response body, for callers that need per-order entries.
        self.body = body

    def __repr__(self) -> str:
        name = type(self).__name__
        return f"{name}({self.message!r}, http_status={self.http_status!r}, code={self.code!r})"


class RmsAuthError(RmsError):
    """401/403 or a gateway auth code: wrong, expired or not-yet-active key, or API function disabled."""

    permanent = True


class RmsRequestError(RmsError):
    """The request was rejected as invalid (400/404/409/415...); retrying it unchanged cannot help."""

    permanent = True


class RmsBatchRefusedError(RmsRequestError):
    """updateOrderShippingAsync answered HTTP 200 with ERROR entries and no requestId (Rakuten's own example):
    the batch was refused as a whole and nothing applied. ``refused`` maps each order number RMS named to its
    ``ShippingUpdateResult`` errors; orders it did not name were refused only for their company."""

    permanent = True

    def __init__(self, message: str, *, refused: dict[str, list[Any]], **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.refused = refused


class RmsNotFoundError(RmsRequestError):
    """404 / GE0014: the order, item or inventory row does not exist."""

    permanent = True


class RmsRateLimitedError(RmsError):
    """429 or a rate-limit code; ``retry_after`` holds the server's hint in seconds when it gave one."""

    permanent = False

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class RmsTransientError(RmsError):
    """Timeouts, dropped connections, 5xx, unreadable responses: worth retrying later."""

    permanent = False


def error_details(body: Any) -> list[RmsErrorDetail]:
    """Extract error entries from any of the three RMS body shapes (§1.4 a/b, §1.6)."""
    if not isinstance(body, dict):
        return []
    details: list[RmsErrorDetail] = []
    for entry in body.get("errors") or []:
        if isinstance(entry, dict):
            metadata = entry.get("metadata") or {}
            path = metadata.get("propertyPath", "") if isinstance(metadata, dict) else ""
            details.append(_detail(entry.get("code"), entry.get("message"), path))
    results = body.get("Results")
    if isinstance(results, dict) and results.get("errorCode"):
        details.append(_detail(results.get("errorCode"), results.get("message"), ""))
    for entry in body.get("MessageModelList") or []:
        if isinstance(entry, dict) and entry.get("messageType") == "ERROR":
            details.append(_detail(entry.get("messageCode"), entry.get("message"), ""))
    return details


def _detail(code: Any, message: Any, path: Any) -> RmsErrorDetail:
    return RmsErrorDetail(str(code or ""), str(message or ""), str(path or ""))


def classify_response(function: str, status: int, body: Any, *, retry_after: float | None = None) -> RmsError | None:
    """Map an HTTP status plus parsed body to an exception, or None when the call succeeded.

    ``body`` must already be redacted; it is kept on the exception and its messages go into ``str()``.
    """
    details = error_details(body)
    code = details[0].code if details else ""
    codes = {d.code for d in details}
    if 200 <= status < 300 and not (codes & _RATE_LIMIT_CODES):
        return None
    text = "; ".join(f"{d.code}: {d.message}" for d in details[:5]) or f"HTTP {status}"
    message = f"RMS {function} failed (HTTP {status}): {text}"
    kwargs: dict[str, Any] = {"http_status": status, "code": code, "errors": details, "body": body,
                              "function": function}
    if status == 429 or codes & _RATE_LIMIT_CODES:
        return RmsRateLimitedError(message, retry_after=retry_after, **kwargs)
    if status in (401, 403) or any(c.startswith(_AUTH_CODE_PREFIXES) for c in codes):
        return RmsAuthError(message, **kwargs)
    if status == 404 or codes & _NOT_FOUND_CODES:
        return RmsNotFoundError(message, **kwargs)
    if status >= 500 or status < 200:
        return RmsTransientError(message, **kwargs)
    return RmsRequestError(message, **kwargs)
