"""Per-API-family request pacing, so one shop's workers stay under RMS's limits (docs/rms.md §1.5).

Limits are per API family and per shop (licence key): about 1 req/s for the order API, 1 req/s for inventory
single-variant and bulk-upsert calls, 5 req/s for inventory bulk-get and items.get. Both limiters hand out
*slots* spaced ``1/rate`` apart: a caller reserves the next free slot and sleeps until it. That is a token
bucket of size one, which never bursts past the documented rate.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any, Protocol

logger = logging.getLogger(__name__)

# Requests per second by family; 0 switches limiting off for that family.
DEFAULT_RATES: dict[str, float] = {
    "order": 1.0,
    "inventory_write": 1.0,
    "inventory_read": 5.0,
    "items": 5.0,
    "license": 1.0,
}


class RateLimiter(Protocol):
    """What ``RmsClient`` needs: block until a call of ``family`` may go."""

    def acquire(self, family: str) -> None: ...


# Slots are spaced a little wider than 1/rate: network jitter can make two calls reach RMS closer together
# than they left, and a strict sliding-window limiter then refuses the second one.
HEADROOM = 0.05


def slot_seconds(rates: Mapping[str, float], family: str) -> float:
    """The time between two calls of ``family`` the limiters allow (0: the family is not limited)."""
    rate = float(rates.get(family, 0) or 0)
    return (1.0 + HEADROOM) / rate if rate > 0 else 0.0


class LocalRateLimiter:
    """Thread-safe, process-local limiter; enough when one process talks to RMS for a shop."""

    def __init__(
        self,
        rates: Mapping[str, float] | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.rates = dict(DEFAULT_RATES if rates is None else rates)
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._next_slot: dict[str, float] = {}

    def reserve(self, family: str) -> float:
        """Reserve the next slot for ``family``; return the seconds to wait before using it."""
        interval = slot_seconds(self.rates, family)
        if not interval:
            return 0.0
        with self._lock:
            now = self._clock()
            slot = max(now, self._next_slot.get(family, now))
            self._next_slot[family] = slot + interval
        return slot - now

    def acquire(self, family: str) -> None:
        wait = self.reserve(family)
        if wait > 0:
            self._sleep(wait)


# Reserve a slot atomically using Redis' own clock, so workers on different machines agree on "now".
# KEYS[1] = family key; ARGV[1] = interval in microseconds. Returns the microseconds to wait.
_RESERVE_SLOT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local nxt = tonumber(redis.call('GET', KEYS[1]) or '0')
local slot = math.max(now, nxt)
local ttl_ms = math.floor((slot + interval - now) / 1000) + 1000
redis.call('SET', KEYS[1], string.format('%d', slot + interval), 'PX', ttl_ms)
return slot - now
"""


class RedisRateLimiter:
    """Limiter shared by every worker process of one account through a Redis key per family.

    ``key_prefix`` should identify the account (e.g. ``"rms-rate:acct-7"``): RMS counts calls per licence
    key, not per process. If Redis is unreachable the limiter paces locally for ``retry_redis_after``
    seconds rather than failing the sync (or stalling every call on Redis' own connection retries).
    """

    def __init__(
        self,
        redis_client: Any,
        key_prefix: str,
        rates: Mapping[str, float] | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        retry_redis_after: float = 30.0,
    ) -> None:
        self.rates = dict(DEFAULT_RATES if rates is None else rates)
        self.key_prefix = key_prefix
        self.retry_redis_after = retry_redis_after
        self._redis_down_until = 0.0
        self._redis = redis_client
        self._script = redis_client.register_script(_RESERVE_SLOT)
        self._sleep = sleep
        self._fallback = LocalRateLimiter(self.rates, sleep=sleep)

    def reserve(self, family: str) -> float:
        """Reserve the next shared slot for ``family``; return the seconds to wait."""
        interval = slot_seconds(self.rates, family)
        if not interval:
            return 0.0
        if time.monotonic() < self._redis_down_until:
            return self._fallback.reserve(family)
        key = f"{self.key_prefix}:{family}"
        try:
            wait_us = self._script(keys=[key], args=[int(interval * 1_000_000)])
        except Exception as exc:  # redis.RedisError and socket errors alike
            logger.warning("Redis rate limiter unavailable (%s); pacing locally", type(exc).__name__)
            self._redis_down_until = time.monotonic() + self.retry_redis_after
            return self._fallback.reserve(family)
        return max(0, int(wait_us)) / 1_000_000

    def acquire(self, family: str) -> None:
        wait = self.reserve(family)
        if wait > 0:
            self._sleep(wait)
