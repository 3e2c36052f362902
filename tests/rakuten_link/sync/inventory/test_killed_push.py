"""A stock push whose worker is killed with SIGKILL: the next stock change still reaches RMS within 5 s.

Real processes on a SQLite file of their own, as in tests/rakuten_link/sync/test_killed_worker.py. Worker A
makes a sale and runs the push it queued against a sandbox made slow, so it is caught mid-call holding the
claim and the lease, and is killed. Worker B, started beforehand so its start-up is not counted, then makes
the next sale and does what rakuten_poll and a cluster worker do: claim due pushes every 0.1 s and run
the queued push task. Before the push claims, the dead push's lease blocked the account for 30 s.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from tests.conftest import DEMO_LICENSE, DEMO_SECRET

ROOT = Path(__file__).resolve().parents[4]

SETUP = f"""
from accounts.models import EcAccount
from inventory.models import Product, Sku, StockLevel, Store
from rakuten_link.models import ProductMapping
store = Store.objects.create(code="S1", name="本店")
account = EcAccount.objects.create(name="kill", shop_url="https://www.rakuten.co.jp/kill/",
    service_secret="{DEMO_SECRET}", license_key="{DEMO_LICENSE}", alert_email="a@example.com")
account.stores.set([store])
sku = Sku.objects.create(code="TEE01-M", name="M", product=Product.objects.create(code="TEE01", name="T"))
StockLevel.objects.create(store=store, sku=sku, on_hand=10)
ProductMapping.objects.create(account=account, manage_number="tee01", variant_id="tee01-m", sku=sku, status="ok")
"""

SELL = """
from inventory.models import Sku, Store
from inventory.services import apply_stock_movement
def sell(units):
    apply_stock_movement(store=Store.objects.get(), sku=Sku.objects.get(), kind="pos_sale", quantity=-units)
"""

WORKER_A = SELL + """
from django_q.models import OrmQ
from rakuten_link.tasks import push_pending
sell(1)
push_pending(*OrmQ.objects.get().task["args"])
"""

WORKER_B = SELL + """
import os, sys, time
from django_q.models import OrmQ
from rakuten_link.sync.inventory.pending import PUSH_TASK, claim_and_queue, due_accounts
from rakuten_link.tasks import push_pending
print("ready", flush=True)
while not os.path.exists(os.environ["GO_FILE"]):
    time.sleep(0.02)
started = time.monotonic()
sell(2)
while time.monotonic() - started < 20:
    claim_and_queue(due_accounts())
    for queued in OrmQ.objects.order_by("pk"):
        task = queued.task
        queued.delete()
        if task.get("func") == PUSH_TASK and "success" in push_pending(*task["args"]):
            print(f"pushed {time.monotonic() - started:.2f}", flush=True)
            sys.exit(0)
    time.sleep(0.1)
"""


def _env(tmp_path: Path, sandbox_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(DJANGO_SETTINGS_MODULE="config.test_settings", DATABASE_URL=f"sqlite:///{tmp_path / 'push.sqlite3'}",
               RAKUTEN_LINK_VAR_DIR=str(tmp_path), RMS_API_BASE_URL=sandbox_url, EMAIL_URL="consolemail://",
               RAKUTEN_PUSH_PACING_SECONDS="0", RAKUTEN_PUSH_CLAIM_SECONDS="3", GO_FILE=str(tmp_path / "go"))
    return env


def _shell(env, code: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "manage.py", "shell", "-v", "0", "-c", code], cwd=ROOT, env=env, text=True,
                            **kwargs)


def _rows(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db, timeout=20) as conn:
        return conn.execute(sql).fetchall()


@pytest.fixture
def child_env(tmp_path, sandbox):
    sandbox.state.add_credential(DEMO_SECRET, DEMO_LICENSE, "000001", timezone.now() + timedelta(days=60))
    env = _env(tmp_path, sandbox.url)
    migrated = subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=180)
    assert migrated.returncode == 0, migrated.stderr[-2000:]
    made = _shell(env, SETUP, stderr=subprocess.PIPE)
    assert made.wait(60) == 0, made.stderr.read()[-2000:]
    return env, tmp_path / "push.sqlite3"


def test_after_sigkill_of_the_pushing_worker_the_next_change_reaches_rms_within_5_s(child_env, sandbox, tmp_path):
    env, db = child_env
    sandbox.state.config.latency_ms = 30_000
    worker_b = _shell(env, WORKER_B, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    worker_a = _shell(env, WORKER_A, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert worker_b.stdout.readline().strip() == "ready"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not (
                _rows(db, "SELECT id FROM rakuten_link_syncrun WHERE status='running'")
                and _rows(db, "SELECT id FROM rakuten_link_joblease")):
            time.sleep(0.1)
        time.sleep(3.5)  # worker A is alive and beating: its short lease outlives one period
        assert _rows(db, "SELECT count(*) FROM rakuten_link_joblease") == [(1,)]
    finally:
        os.kill(worker_a.pid, signal.SIGKILL)
        worker_a.wait(10)
    sandbox.state.config.latency_ms = 0
    (tmp_path / "go").touch()  # the next sale, right after the kill
    out, err = worker_b.communicate(timeout=60)

    assert worker_b.returncode == 0 and out.strip().splitlines()[-1].startswith("pushed"), (out, err[-3000:])
    print(f"the next change reached the sandbox {out.split()[-1]} s after it was made, right after the kill")
    assert float(out.split()[-1]) < 5
    assert sandbox.state.inventory_of("000001")[("tee01", "tee01-m")]["quantity"] == 7
    runs = _rows(db, "SELECT status, summary FROM rakuten_link_syncrun ORDER BY id")
    assert [s for s, _ in runs] == ["failed", "success"], runs
