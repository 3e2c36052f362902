"""scripts/run-demo.sh: its environment (SITE_URL, the mail relay, the key said once) and its orderly stop.

The last test starts the whole demo on free ports with its own var/ directory, waits for the admin to answer
and for an order fetch to have run, sends TERM to the script and checks that every process it started is gone,
stopped in order (web, poller, cluster, then relay and sandbox), and that no false alert was written.
It takes about a minute.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
LEFT_OUT = ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "SITE_URL", "FIELD_ENCRYPTION_KEY",
            "RAKUTEN_SMTP_HOST", "RAKUTEN_SMTP_PORT", "RAKUTEN_SMTP_STARTTLS", "EMAIL_URL")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def demo_env(var_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in LEFT_OUT}
    env.update(RAKUTEN_LINK_VAR_DIR=str(var_dir), WEB_PORT=str(free_port()), SANDBOX_PORT=str(free_port()),
               DEMO_SMTP_PORT=str(free_port()), **extra)
    return env


def sourced(env: dict[str, str], var_dir: Path, *lines: str) -> str:
    script = "set -euo pipefail; source scripts/lib.sh; " + "; ".join(lines)
    done = subprocess.run(["bash", "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip() + "\n" + done.stderr


def test_site_url_follows_the_web_port_and_mail_goes_to_the_local_relay(tmp_path):
    env = demo_env(tmp_path)
    out = sourced(env, tmp_path, f'demo_environment "{tmp_path}"',
                  'echo "$SITE_URL $RAKUTEN_SMTP_HOST:$RAKUTEN_SMTP_PORT $RAKUTEN_SMTP_STARTTLS"')
    assert out.splitlines()[0] == (f"http://127.0.0.1:{env['WEB_PORT']} 127.0.0.1:{env['DEMO_SMTP_PORT']} False")
    assert out.count("FIELD_ENCRYPTION_KEY is not set") == 1


def test_a_site_url_the_user_set_is_kept(tmp_path):
    env = demo_env(tmp_path, SITE_URL="https://backoffice.example.com")
    out = sourced(env, tmp_path, f'demo_environment "{tmp_path}"', 'echo "$SITE_URL"')
    assert out.splitlines()[0] == "https://backoffice.example.com"


def test_the_development_key_is_made_once_and_then_read_back(tmp_path):
    env = demo_env(tmp_path)
    first = sourced(env, tmp_path, f'demo_field_key "{tmp_path}"', 'echo "$FIELD_ENCRYPTION_KEY"').splitlines()[0]
    second = sourced(env, tmp_path, f'demo_field_key "{tmp_path}"', 'echo "$FIELD_ENCRYPTION_KEY"').splitlines()[0]
    assert first == second == (tmp_path / "dev-field-encryption.key").read_text().strip() and len(first) == 44
    assert (tmp_path / "dev-field-encryption.key").stat().st_mode & 0o077 == 0


def processes_of(var_dir: Path) -> set[int]:
    """Every live process whose environment names this demo's var directory: the demo and all it started."""
    marker = f"RAKUTEN_LINK_VAR_DIR={var_dir}".encode()
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if marker in (entry / "environ").read_bytes().split(b"\0") and _alive(entry):
                found.add(int(entry.name))
        except OSError:
            continue
    return found


def _alive(entry: Path) -> bool:
    return (entry / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"


def rows(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db, timeout=20) as conn:
        return conn.execute(sql).fetchall()


def wait_for(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.5)
    pytest.fail(f"timed out waiting for {what}")


def _a_sale_posted_with_the_printed_token_reaches_the_sandbox(env: dict[str, str], log: Path) -> None:
    """The demo prints a till's API token: one POST with it, and Rakuten's quantity falls by the units sold."""
    text = log.read_text()
    token = next(ln for ln in text.splitlines() if ln.strip().startswith("API token:")).split()[2]
    sku = re.search(r'"sku": "([^"]+)"', text).group(1)
    item, variant = re.search(r"_sandbox/inventory\?manageNumber=([^&]+)&variantId=(\S+?)\"", text).groups()
    rakuten = (f"http://127.0.0.1:{env['SANDBOX_PORT']}/_sandbox/inventory",
               {"manageNumber": item, "variantId": variant})

    def quantity() -> int:
        return requests.get(rakuten[0], params=rakuten[1], timeout=5).json()["inventories"][0]["quantity"]

    before = quantity()
    sale = {"movements": [{"key": "demo-test-1", "sku": sku, "store": "S01", "kind": "sale", "quantity": 1}]}
    posted = requests.post(f"http://127.0.0.1:{env['WEB_PORT']}/api/v1/stock/movements", json=sale, timeout=10,
                           headers={"Authorization": f"Bearer {token}"})
    assert posted.status_code == 200, posted.text
    wait_for(lambda: quantity() == before - 1, 30, "the sale on Rakuten")


@pytest.mark.slow
def test_term_stops_web_poller_cluster_then_sandbox_with_nothing_left_and_no_false_alert(tmp_path):
    var_dir = tmp_path / "var"
    env = demo_env(var_dir)
    log = tmp_path / "demo.log"
    with log.open("wb") as out:
        demo = subprocess.Popen(["bash", "scripts/run-demo.sh"], cwd=ROOT, env=env, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)
    try:
        def admin_answers() -> bool:
            try:
                return requests.get(f"http://127.0.0.1:{env['WEB_PORT']}/admin/login/", timeout=2).status_code == 200
            except requests.RequestException:
                return demo.poll() is not None  # the demo died: stop waiting, the asserts below say why
        wait_for(admin_answers, 300, "the admin")
        assert demo.poll() is None, log.read_text()[-3000:]
        db = var_dir / "db.sqlite3"
        wait_for(lambda: rows(db, "SELECT 1 FROM rakuten_link_syncrun WHERE kind='orders' AND status='success'"),
                 120, "an order fetch by the cluster")
        _a_sale_posted_with_the_printed_token_reaches_the_sandbox(env, log)
        started = processes_of(var_dir)
        assert len(started) >= 7  # the script, sandbox, relay, cluster (with its workers), poller, web

        demo.send_signal(signal.SIGTERM)
        assert demo.wait(timeout=120) == 143
    finally:
        if demo.poll() is None:
            os.killpg(demo.pid, signal.SIGKILL)
    text = log.read_text(errors="replace")

    assert processes_of(var_dir) == set(), text[-3000:]
    stops = [line.split("stopping ", 1)[1] for line in text.splitlines() if line.startswith("[run-demo.sh] stopping")]
    assert stops == ["web", "poller", "cluster", "mail relay", "sandbox"], stops
    assert text.count("FIELD_ENCRYPTION_KEY is not set") == 1
    false_alarms = rows(db, "SELECT kind, subject FROM rakuten_link_alertlog WHERE kind IN "
                            "('order_fetch_failed', 'job_interrupted', 'job_abandoned')")
    assert false_alarms == []
    assert "Order fetch failed" not in text and "受注取得" not in text  # nor an alert mail on the console
