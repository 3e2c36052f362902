"""Everything the simulated RMS remembers, behind one lock.

Handlers take `state.lock` for their whole run, so each API call is atomic (bulk-upsert's
all-or-nothing rule falls out of that) and concurrent test clients see a consistent world.
Data is kept per shop number, because one sandbox serves several accounts in multi-shop tests.
Named starting states are applied on top by `seed.reset_state`; this module knows nothing of seeds,
because seeding builds on the order and item code, which builds on this module.
"""

from __future__ import annotations

import itertools
import random
import threading
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from . import clock
from .async_shipping import AsyncShippingStore
from .config import SandboxConfig
from .faults import OneShotFaults, RateLimiter
from .order_book import OrderBook

DEFAULT_SHOP = "000001"
REQUEST_LOG_SIZE = 10_000


@dataclass
class Credential:
    """One serviceSecret/licenseKey pair; several pairs may point at the same shop (key renewal)."""

    service_secret: str
    license_key: str
    shop: str
    expires_at: datetime
    disabled: set[str] = field(default_factory=set)

    def is_expired(self, at: datetime) -> bool:
        return at > self.expires_at

    def to_dict(self) -> dict[str, Any]:
        return {
            "serviceSecret": self.service_secret,
            "licenseKey": self.license_key,
            "shop": self.shop,
            "expiresAt": clock.format_iso(self.expires_at),
            "disabledFunctions": sorted(self.disabled),
        }


class SandboxState:
    """Credentials, items, inventory, orders, async shipping results, the request log and the config switches."""

    def __init__(self, **config: Any) -> None:
        """An empty state; `seed.reset_state(state, name, config)` gives it a named starting state."""
        self.lock = threading.RLock()
        self.reset(config)

    def reset(self, config: dict[str, Any] | None = None) -> None:
        """Forget everything and restore default config (plus `config`); a bad `config` changes nothing."""
        new_config = SandboxConfig()
        new_config.patch(config or {})  # raises before anything is forgotten
        with self.lock:
            self.config = new_config
            self.rng = random.Random(self.config.random_seed)
            self.credentials: dict[tuple[str, str], Credential] = {}
            self.items: dict[str, dict[str, dict[str, Any]]] = {}
            self.inventory: dict[str, dict[tuple[str, str], dict[str, Any]]] = {}
            self.orders = OrderBook()
            self.shipping_async = AsyncShippingStore()
            self.request_log: deque[dict[str, Any]] = deque(maxlen=REQUEST_LOG_SIZE)
            self.rate_limiter = RateLimiter()
            self.faults = OneShotFaults()
            self._counters: dict[str, itertools.count[int]] = {}

    def patch_config(self, values: dict[str, Any]) -> None:
        """Change switches at run time; a new random_seed restarts the random sequence."""
        with self.lock:
            self.config.patch(values)
            if "random_seed" in values:
                self.rng = random.Random(self.config.random_seed)
            if "rate_limits" in values or "rate_limit_per_s" in values:
                self.rate_limiter.clear()

    # -- credentials -------------------------------------------------------------------------

    def add_credential(
        self,
        service_secret: str,
        license_key: str,
        shop: str,
        expires_at: datetime,
        disabled: set[str] | None = None,
    ) -> Credential:
        if expires_at.tzinfo is None:
            expires_at = expires_at.replace(tzinfo=clock.JST)  # naive means Japan time, as everywhere in RMS
        with self.lock:
            credential = Credential(service_secret, license_key, shop, expires_at, set(disabled or ()))
            self.credentials[(service_secret, license_key)] = credential
            return credential

    def remove_credential(self, service_secret: str, license_key: str) -> bool:
        with self.lock:
            return self.credentials.pop((service_secret, license_key), None) is not None

    def find_credential(self, service_secret: str, license_key: str) -> Credential | None:
        with self.lock:
            return self.credentials.get((service_secret, license_key))

    def shops(self) -> list[str]:
        """Shops that have at least one credential, in a stable order."""
        with self.lock:
            return sorted({c.shop for c in self.credentials.values()})

    def resolve_shop(self, shop: str | None) -> str:
        """Shop for a control call: the given one, else the only one with credentials, else 000001."""
        if shop:
            if len(shop) != 6 or not shop.isdigit():
                raise ValueError("shop must be a 6-digit shop number")
            return shop
        shops = self.shops()
        if len(shops) > 1:
            raise ValueError('several shops have credentials; pass "shop"')
        return shops[0] if shops else DEFAULT_SHOP

    # -- per-shop data -----------------------------------------------------------------------

    def items_of(self, shop: str) -> dict[str, dict[str, Any]]:
        return self.items.setdefault(shop, {})

    def inventory_of(self, shop: str) -> dict[tuple[str, str], dict[str, Any]]:
        return self.inventory.setdefault(shop, {})

    def orders_of(self, shop: str) -> list[dict[str, Any]]:
        """Orders of one shop; the shop is the order number's first six digits, as on RMS."""
        prefix = f"{shop}-"
        return [order for number, order in self.orders.items() if number.startswith(prefix)]

    def next_id(self, kind: str, start: int = 1) -> int:
        """Sequential ids per kind (basketId, itemDetailId, shippingDetailId …), stable per reset."""
        with self.lock:
            counter = self._counters.setdefault(kind, itertools.count(start))
            return next(counter)

    # -- request log ---------------------------------------------------------------------------

    def log_request(self, entry: dict[str, Any]) -> None:
        with self.lock:
            self.request_log.append(entry)

    def requests(self, function: str | None = None, limit: int | None = None) -> list[dict[str, Any]]:
        """Logged API calls, oldest first, optionally only those of one function id."""
        with self.lock:
            entries = [e for e in self.request_log if function is None or e["function"] == function]
        return entries[-limit:] if limit else entries

    def clear_requests(self) -> None:
        with self.lock:
            self.request_log.clear()
