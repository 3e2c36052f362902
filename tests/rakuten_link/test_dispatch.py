"""The scheduled fan-out: one task per account, the accounts whose recent runs were slow queued last."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from rakuten_link.models import SyncRun
from rakuten_link.tasks import dispatch, quickest_first


def ran(account, kind: str, seconds: float, ago: timedelta = timedelta(minutes=1)) -> None:
    started = timezone.now() - ago
    run = SyncRun.objects.create(account=account, kind=kind, status="success")
    SyncRun.objects.filter(pk=run.pk).update(started_at=started, finished_at=started + timedelta(seconds=seconds))


def test_a_slow_shop_is_queued_after_the_quick_ones(make_account, monkeypatch):
    slow, quick, new = make_account("楽天遅い店"), make_account("楽天速い店"), make_account("楽天新しい店")
    ran(slow, "inventory", 5.2)
    ran(quick, "inventory", 0.1)
    ran(slow, "orders", 0.1)  # another kind does not count
    ran(quick, "inventory", 30, ago=timedelta(hours=1))  # nor does a slow run long ago
    queued = []
    monkeypatch.setattr("rakuten_link.tasks.async_task", lambda func, *args, **kwargs: queued.append(args))
    assert dispatch("inventory") == "inventory: queued for 3 account(s)"
    assert [account_id for account_id, _kind in queued] == [new.pk, quick.pk, slow.pk]


def test_accounts_without_recent_runs_keep_their_order(make_account):
    first, second = make_account("楽天一号店"), make_account("楽天二号店")
    assert quickest_first("orders", [first.pk, second.pk]) == [first.pk, second.pk]
