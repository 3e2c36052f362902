"""Rakuten RMS WEB SERVICE client: pure Python (requests, optionally redis), no Django.

``RmsClient`` is the only way the project talks to RMS; see docs/rms.md for the API facts.
"""

from __future__ import annotations

from .client import DEFAULT_BASE_URL, RmsClient
from .dates import JST
from .errors import (
    RmsAuthError,
    RmsBatchRefusedError,
    RmsError,
    RmsErrorDetail,
    RmsNotFoundError,
    RmsRateLimitedError,
    RmsRequestError,
    RmsTransientError,
)
from .ratelimit import DEFAULT_RATES, LocalRateLimiter, RateLimiter, RedisRateLimiter
from .types import (
    ApiCallInfo,
    AsyncShippingResult,
    ConfirmResult,
    InventoryRecord,
    InventoryUpdate,
    ItemSearchPage,
    RmsCoupon,
    RmsItem,
    RmsOrder,
    RmsOrderItem,
    RmsPackage,
    RmsPerson,
    RmsShipping,
    RmsTaxSummary,
    RmsVariant,
    SearchOrderPage,
    ShippingUpdateResult,
    VariantSelector,
)

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_RATES",
    "JST",
    "ApiCallInfo",
    "AsyncShippingResult",
    "ConfirmResult",
    "InventoryRecord",
    "InventoryUpdate",
    "ItemSearchPage",
    "LocalRateLimiter",
    "RateLimiter",
    "RedisRateLimiter",
    "RmsAuthError",
    "RmsBatchRefusedError",
    "RmsClient",
    "RmsCoupon",
    "RmsError",
    "RmsErrorDetail",
    "RmsItem",
    "RmsNotFoundError",
    "RmsOrder",
    "RmsOrderItem",
    "RmsPackage",
    "RmsPerson",
    "RmsRateLimitedError",
    "RmsRequestError",
    "RmsShipping",
    "RmsTaxSummary",
    "RmsTransientError",
    "RmsVariant",
    "SearchOrderPage",
    "ShippingUpdateResult",
    "VariantSelector",
]
