"""The account page's catalogue panel: the button queues the job, the bar and text follow CataloguePull."""

from __future__ import annotations

from django.utils import timezone
from django_q.models import OrmQ

from rakuten_link.models import CatalogueItem, CataloguePull, CatalogueVariant


def _page(admin_client, account) -> str:
    return admin_client.get(f"/admin/accounts/ecaccount/{account.pk}/change/").content.decode()


def test_the_button_queues_one_catalogue_job(admin_client, account):
    page = _page(admin_client, account)
    assert "カタログを今すぐ取得" in page and "まだ取得していません" in page

    response = admin_client.post(f"/admin/accounts/ecaccount/{account.pk}/pull-catalogue/")

    assert response.status_code == 302
    assert [(q.task["args"][0], q.task["args"][1]) for q in OrmQ.objects.all()] == [(account.pk, "catalogue")]


def test_a_get_queues_nothing(admin_client, account):
    assert admin_client.get(f"/admin/accounts/ecaccount/{account.pk}/pull-catalogue/").status_code == 403
    assert not OrmQ.objects.exists()


def test_the_bar_shows_a_running_pull_and_then_the_result(admin_client, account):
    now = timezone.now()
    pull = CataloguePull.objects.create(account=account, started_at=now, phase="items", found=400, done=100)
    status = admin_client.get(f"/admin/accounts/ecaccount/{account.pk}/catalogue-status/").json()
    assert status == {"running": True, "percent": 22, "text": "商品を読み込み中: 100 / 400"}
    assert 'value="22"' in _page(admin_client, account)

    item = CatalogueItem.objects.create(account=account, manage_number="a", pulled_at=now)
    CatalogueVariant.objects.create(item=item, account=account, variant_id="v", pulled_at=now)
    CataloguePull.objects.filter(pk=pull.pk).update(started_at=None, phase="", last_finished_at=now)
    status = admin_client.get(f"/admin/accounts/ecaccount/{account.pk}/catalogue-status/").json()
    assert status["running"] is False and status["percent"] == 100 and "1 商品、1 バリエーション" in status["text"]
