"""Fixtures for real PostgreSQL and Redis servers (scripts/test.sh starts both and exports their URLs).

`postgres_url` skips when TEST_POSTGRES_URL is unset. `redis_url` uses TEST_REDIS_URL when set, else starts
a throwaway redis-server for the session when one is installed, else skips. The Redis server is shared
by the whole session: a test that needs an empty database should flush it (it is never a real one).
Under pytest-xdist each worker takes a Redis database of its own (see `worker_redis_url`).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator

import pytest


@pytest.fixture(scope="session")
def postgres_url() -> str:
    url = os.environ.get("TEST_POSTGRES_URL", "")
    if not url:
        pytest.skip("TEST_POSTGRES_URL is not set: run scripts/test.sh (make test), which starts a PostgreSQL server")
    return url


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _answers_ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _start_redis(executable: str, tmp_dir: str) -> tuple[subprocess.Popen, int]:
    no_persistence = ["--save", "", "--appendonly", "no", "--dir", tmp_dir]
    for _attempt in range(3):
        port = _free_port()
        command = [executable, "--bind", "127.0.0.1", "--port", str(port), *no_persistence]
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and process.poll() is None:
            if _answers_ping(port):
                return process, port
            time.sleep(0.05)
        process.kill()
        process.wait()  # the port was probably taken between choosing and binding it: try another
    raise RuntimeError("redis-server did not start on 127.0.0.1")


def worker_redis_url(url: str, worker: str | None) -> str:
    """The Redis database of one pytest-xdist worker: TEST_REDIS_URL names the first database of the run's
    block (scripts/test.sh gives each run a block of 64), worker gwN takes the block's N-th."""
    if not worker:
        return url
    base, _, database = url.rpartition("/")
    if not database.isdigit():  # no database in the URL: it means database 0
        base, database = url, "0"
    return f"{base}/{int(database) + int(worker.removeprefix('gw'))}"


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory) -> Iterator[str]:
    url = os.environ.get("TEST_REDIS_URL", "")
    if url:
        yield worker_redis_url(url, os.environ.get("PYTEST_XDIST_WORKER"))
        return
    executable = shutil.which("redis-server")
    if executable is None:
        pytest.skip("TEST_REDIS_URL is not set and redis-server is not installed (apt-get install redis-server)")
    process, port = _start_redis(executable, str(tmp_path_factory.mktemp("redis")))
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
