"""The results of updateOrderShippingAsync requests, kept per requestId for 30 days (docs/rms.md §2.5).

Plain data under the state lock: the API module fills it, getResultUpdateOrderShippingAsync reads it,
tests look at it through `SandboxState.shipping_async`. A request belongs to the shop that sent it;
another shop asking for the same requestId is told it does not exist, as for orders.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from . import clock

RETENTION = timedelta(days=30)


@dataclass
class AsyncShippingRequest:
    """One accepted request: who sent it, when, and per order what the sync call would have answered."""

    request_id: str
    shop: str
    received_at: datetime
    # ResultShippingModelList entries: {"orderNumber", "MessageModelList"}, in request order.
    results: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "requestId": self.request_id,
            "shop": self.shop,
            "receivedAt": clock.format_iso(self.received_at),
            "ResultShippingModelList": copy.deepcopy(self.results),
        }


class AsyncShippingStore:
    """requestId → AsyncShippingRequest; ids are sequential per reset so test runs are repeatable."""

    def __init__(self) -> None:
        self._requests: dict[str, AsyncShippingRequest] = {}
        self._last = 0

    def add(self, shop: str, at: datetime, results: list[dict[str, Any]]) -> AsyncShippingRequest:
        """Store a new request's results (and forget expired ones, so memory stays bounded)."""
        self.prune(at)
        self._last += 1
        request = AsyncShippingRequest(f"{shop}-ASYNC-{self._last:010d}", shop, at, results)
        self._requests[request.request_id] = request
        return request

    def find(self, shop: str, request_id: Any, at: datetime) -> AsyncShippingRequest | None:
        """The shop's request if it exists and is younger than 30 days, else None."""
        request = self._requests.get(request_id) if isinstance(request_id, str) else None
        if request is None or request.shop != shop or at - request.received_at > RETENTION:
            return None
        return request

    def prune(self, at: datetime) -> None:
        for request_id in [k for k, r in self._requests.items() if at - r.received_at > RETENTION]:
            del self._requests[request_id]

    def of_shop(self, shop: str) -> list[AsyncShippingRequest]:
        """Every stored request of one shop, oldest first (a test and control hook)."""
        return [r for r in self._requests.values() if r.shop == shop]
