"""An account's status, reason, pause and licence expiry are written in accounts/services.py only.

Read from the source with ``ast``: an assignment ``<...account...>.status = …`` or an ``.update(…)`` /
``.create(…)`` on an account queryset that sets one of these fields, anywhere else, is a second writer.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.utils import timezone

from accounts import services
from accounts.models import AccountStatus, EcAccount

ROOT = Path(__file__).resolve().parents[2]
FIELDS = {"status", "status_reason", "status_checked_at", "jobs_paused", "license_expires_at", "messages_paused"}
WRITER = ROOT / "accounts" / "services.py"


def account_writes(path: Path) -> list[str]:
    label = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, (ast.Assign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Attribute) and target.attr in FIELDS and "account" in ast.unparse(
                        target.value).lower():
                    found.append(f"{label}:{node.lineno} {ast.unparse(target)} =")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in (
                "update", "create", "update_or_create", "bulk_update"):
            receiver = ast.unparse(node.func.value)
            keywords = {k.arg for k in node.keywords}
            if "EcAccount" in receiver and keywords & FIELDS:
                found.append(f"{label}:{node.lineno} {receiver}.{node.func.attr}(...)")
    return found


def test_only_the_accounts_service_writes_status_pause_and_expiry():
    files = [p for pkg in ("accounts", "orders", "inventory", "lib", "rakuten_link", "config")
             for p in (ROOT / pkg).rglob("*.py") if "migrations" not in p.parts and p != WRITER]
    assert [write for path in files for write in account_writes(path)] == []


def test_the_scan_sees_a_second_writer(tmp_path):
    rogue = tmp_path / "rogue.py"
    rogue.write_text("def f(account):\n    account.jobs_paused = True\n"
                     "    EcAccount.objects.filter(pk=1).update(status='valid')\n")
    assert account_writes(rogue) == [
        "rogue.py:2 account.jobs_paused =", "rogue.py:3 EcAccount.objects.filter(pk=1).update(...)",
    ]


@pytest.mark.django_db
def test_a_valid_check_lifts_a_pause_and_an_auth_failure_pauses_once(make_account):
    account = make_account("一店舗")
    assert services.pause_for_auth_failure(account, "rejected") is True
    assert services.pause_for_auth_failure(account, "rejected") is False
    account.refresh_from_db()
    assert account.status == AccountStatus.INVALID and account.jobs_paused
    services.record_check_result(account, AccountStatus.VALID, "", expires_at=timezone.now())
    stored = EcAccount.objects.get(pk=account.pk)
    assert stored.status == AccountStatus.VALID and not stored.jobs_paused and stored.license_expires_at


@pytest.mark.django_db
def test_an_unreachable_rms_keeps_the_status(make_account):
    account = make_account("二店舗")
    services.record_check_result(account, AccountStatus.VALID)
    services.record_check_unreachable(account, "timeout")
    stored = EcAccount.objects.get(pk=account.pk)
    assert (stored.status, stored.status_reason) == (AccountStatus.VALID, "timeout")
