"""Per-family pacing: the process-local limiter and the Redis one shared by worker processes."""

from __future__ import annotations

import shutil
import socket
import subprocess
import threading
import time
from datetime import datetime

import pytest

from rakuten_link.rms import RmsClient
from rakuten_link.rms.ratelimit import HEADROOM, LocalRateLimiter, RedisRateLimiter
from tests.support.rms_stub import LICENSE, SECRET, Reply, StubRms

INTERVAL_10 = (1 + HEADROOM) / 10  # slot spacing at 10 req/s


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_it_hands_out_slots_spaced_by_the_rate():
    clock = FakeClock()
    limiter = LocalRateLimiter({"order": 10}, clock=clock)
    waits = [limiter.reserve("order") for _ in range(4)]
    assert waits == pytest.approx([0, INTERVAL_10, 2 * INTERVAL_10, 3 * INTERVAL_10])


def test_an_idle_family_does_not_bank_credit():
    clock = FakeClock()
    limiter = LocalRateLimiter({"order": 10}, clock=clock)
    limiter.reserve("order")
    clock.now += 60
    assert [limiter.reserve("order") for _ in range(2)] == pytest.approx([0, INTERVAL_10])


def test_families_are_paced_independently_and_zero_means_off():
    limiter = LocalRateLimiter({"order": 1, "items": 0}, clock=FakeClock())
    assert limiter.reserve("order") == 0
    assert limiter.reserve("inventory_read") == 0  # not configured
    assert [limiter.reserve("items") for _ in range(3)] == [0, 0, 0]
    assert limiter.reserve("order") == pytest.approx(1 + HEADROOM)


def test_the_default_rates_follow_the_reference():
    assert LocalRateLimiter().rates == {
        "order": 1.0,
        "inventory_write": 1.0,
        "inventory_read": 5.0,
        "items": 5.0,
        "license": 1.0,
    }


def test_threads_sharing_a_limiter_get_distinct_evenly_spaced_slots():
    limiter = LocalRateLimiter({"order": 20})
    slots: list[float] = []
    lock = threading.Lock()

    def work() -> None:
        for _ in range(3):
            with lock:  # only to read the clock next to reserve(); reserve() has its own lock
                slots.append(time.monotonic() + limiter.reserve("order"))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    slots.sort()
    gaps = [b - a for a, b in zip(slots, slots[1:], strict=False)]
    assert gaps == pytest.approx([(1 + HEADROOM) / 20] * 11, abs=0.002)


def test_acquire_from_many_threads_takes_the_scheduled_time():
    limiter = LocalRateLimiter({"order": 20})
    started = time.monotonic()
    threads = [threading.Thread(target=lambda: [limiter.acquire("order") for _ in range(3)]) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert time.monotonic() - started >= 11 * (1 + HEADROOM) / 20 - 0.005


@pytest.fixture(scope="module")
def redis_url():
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server not installed")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    args = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import redis

    client = redis.Redis(port=port)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    else:
        process.kill()
        pytest.fail("redis-server did not start")
    yield f"redis://127.0.0.1:{port}/0"
    process.terminate()
    process.wait(timeout=5)


@pytest.mark.redis
def test_two_workers_share_one_schedule_through_redis(redis_url):
    import redis

    first = RedisRateLimiter(redis.Redis.from_url(redis_url), "rms-rate:acct-1", {"order": 10})
    second = RedisRateLimiter(redis.Redis.from_url(redis_url), "rms-rate:acct-1", {"order": 10})
    waits = [limiter.reserve("order") for limiter in (first, second, first, second)]
    assert waits[0] == pytest.approx(0, abs=0.01)
    assert waits[1:] == pytest.approx([INTERVAL_10, 2 * INTERVAL_10, 3 * INTERVAL_10], abs=0.02)


@pytest.mark.redis
def test_accounts_and_families_have_their_own_redis_schedule(redis_url):
    import redis

    connection = redis.Redis.from_url(redis_url)
    one = RedisRateLimiter(connection, "rms-rate:acct-2", {"order": 1, "items": 5})
    other = RedisRateLimiter(connection, "rms-rate:acct-3", {"order": 1})
    assert one.reserve("order") == pytest.approx(0, abs=0.01)
    assert other.reserve("order") == pytest.approx(0, abs=0.01)
    assert one.reserve("items") == pytest.approx(0, abs=0.01)
    assert one.reserve("order") == pytest.approx(1 + HEADROOM, abs=0.02)


@pytest.mark.redis
def test_redis_paced_acquires_from_threads_take_the_scheduled_time(redis_url):
    import redis

    limiters = [RedisRateLimiter(redis.Redis.from_url(redis_url), "rms-rate:acct-4", {"items": 10}) for _ in range(3)]
    started = time.monotonic()
    threads = [threading.Thread(target=lambda lim=lim: [lim.acquire("items") for _ in range(2)]) for lim in limiters]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert time.monotonic() - started >= 5 * INTERVAL_10 - 0.02


def test_an_unreachable_redis_falls_back_to_local_pacing():
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    connection = redis.Redis(port=port, socket_connect_timeout=0.2, retry=Retry(NoBackoff(), 0))
    limiter = RedisRateLimiter(connection, "rms-rate:x", {"order": 10})
    assert limiter.reserve("order") == 0
    assert limiter.reserve("order") == pytest.approx(INTERVAL_10, abs=0.01)
    assert limiter.reserve("order") == pytest.approx(2 * INTERVAL_10, abs=0.01)


def test_five_client_calls_at_10_per_second_take_at_least_0_4_s():
    with StubRms(lambda request: Reply(200, {"orderNumberList": []})) as rms:
        client = RmsClient(SECRET, LICENSE, base_url=rms.url, rate_limiter=LocalRateLimiter({"order": 10}))
        started = time.monotonic()
        for _ in range(5):
            client.search_orders(date_type=1, start=datetime(2024, 5, 1), end=datetime(2024, 5, 2))
        elapsed = time.monotonic() - started
    assert elapsed >= 0.4
    gaps = [b.at - a.at for a, b in zip(rms.requests, rms.requests[1:], strict=False)]
    assert min(gaps) >= 0.05  # as received by the server, jitter included


def test_other_families_are_not_held_up_by_a_busy_one():
    with StubRms(lambda request: Reply(200, {"inventories": []})) as rms:
        limiter = LocalRateLimiter({"order": 1, "inventory_read": 0})
        client = RmsClient(SECRET, LICENSE, base_url=rms.url, rate_limiter=limiter)
        limiter.acquire("order")  # the order family's next slot is a second away
        started = time.monotonic()
        for _ in range(3):
            client.bulk_get_inventories([("tee01", "tee01-m")])
        assert time.monotonic() - started < 0.5
