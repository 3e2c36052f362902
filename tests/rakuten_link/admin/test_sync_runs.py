"""The sync-run pages: local times, counts as a table, a link to the run's API calls, skipped runs hidden."""

from __future__ import annotations

from django.utils import timezone

from rakuten_link.models import ApiCall, SyncRun

LIST = "/admin/rakuten_link/syncrun/"


def test_the_detail_shows_local_time_counts_and_the_calls(admin_client, account):
    run = SyncRun.objects.create(account=account, kind="inventory", status="success", finished_at=timezone.now(),
                                 counts={"pushed": 3, "rejected": 1, "calls": 1}, summary="3 pushed")
    ApiCall.objects.create(account=account, sync_run=run, function="inventoryapi_2.0.bulk.upsert", method="POST",
                           path="/es/2.0/inventories/bulk-upsert", http_status=204, attempt=1, duration_ms=10)
    page = admin_client.get(f"{LIST}{run.pk}/change/").content.decode()
    assert timezone.localtime(run.started_at).strftime("%Y-%m-%d %H:%M:%S") in page
    assert "<td>3</td>" in page and "{&quot;pushed" not in page  # a table of counts, not raw JSON
    assert f"/admin/rakuten_link/apicall/?sync_run__id__exact={run.pk}" in page
    calls = admin_client.get(f"/admin/rakuten_link/apicall/?sync_run__id__exact={run.pk}")
    assert calls.status_code == 200 and "bulk.upsert" in calls.content.decode()


def test_skipped_runs_are_hidden_unless_asked_for(admin_client, account):
    SyncRun.objects.create(account=account, kind="orders", status="skipped", summary="already running here")
    SyncRun.objects.create(account=account, kind="orders", status="success", summary="did the work",
                           counts={"fetched": 2})
    page = admin_client.get(LIST).content.decode()
    assert "did the work" in page and "already running here" not in page
    assert "already running here" in admin_client.get(LIST, {"runs": "all"}).content.decode()
