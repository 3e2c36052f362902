"""Builds the RMS client for an account: settings, a shared rate limiter and the ApiCall audit hook."""

from __future__ import annotations

import threading
from functools import lru_cache

from django.conf import settings

from accounts.models import EcAccount
from accounts.secrets import require_readable_credentials
from rakuten_link.models import ApiCall, SyncRun
from rakuten_link.rms import RmsClient
from rakuten_link.rms.ratelimit import LocalRateLimiter, RedisRateLimiter
from rakuten_link.rms.types import ApiCallInfo

_local_limiters: dict[int, LocalRateLimiter] = {}
_limiters_lock = threading.Lock()


def rate_limiter_for(account: EcAccount):
    """RMS counts calls per licence key, so every thread (and with Redis, every worker) shares one schedule."""
    rates = settings.RMS_RATE_LIMITS
    if not any(rates.values()):
        return None
    if settings.REDIS_URL:
        return RedisRateLimiter(_redis_client(settings.REDIS_URL), f"rms-rate:acct-{account.pk}", rates)
    with _limiters_lock:
        limiter = _local_limiters.get(account.pk)
        if limiter is None or limiter.rates != rates:
            limiter = _local_limiters[account.pk] = LocalRateLimiter(rates)
        return limiter


@lru_cache(maxsize=4)
def _redis_client(url: str):
    import redis

    return redis.Redis.from_url(url)


def record_api_call(account: EcAccount, run: SyncRun | None):
    """The client's on_call hook: one ApiCall row per HTTP attempt (no credentials ever reach it)."""

    def hook(info: ApiCallInfo) -> None:
        ApiCall.objects.create(
            account=account,
            sync_run=run,
            function=info.function[:60],
            method=info.method,
            path=info.path[:255],
            http_status=info.http_status,
            error_code=info.error_code[:80],
            error_class=info.error_class[:40],
            attempt=info.attempt,
            duration_ms=max(0, int(info.duration_ms)),
        )

    return hook


def client_for(
    account: EcAccount,
    *,
    run: SyncRun | None = None,
    read_timeout: float | None = None,
    max_retries: int | None = None,
) -> RmsClient:
    """The account's client; ``SecretUnreadable`` (before any RMS call) when the key cannot decrypt its credentials."""
    require_readable_credentials(account)
    return RmsClient(
        account.service_secret,
        account.license_key,
        base_url=settings.RMS_API_BASE_URL,
        connect_timeout=min(settings.RMS_CONNECT_TIMEOUT, read_timeout or settings.RMS_CONNECT_TIMEOUT),
        read_timeout=read_timeout or settings.RMS_READ_TIMEOUT,
        max_retries=settings.RMS_MAX_RETRIES if max_retries is None else max_retries,
        backoff_base=settings.RMS_BACKOFF_BASE,
        backoff_max=settings.RMS_BACKOFF_MAX,
        rate_limiter=rate_limiter_for(account),
        on_call=record_api_call(account, run),
    )
