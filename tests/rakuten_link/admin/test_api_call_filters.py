"""The API-call list's filters offer the last 7 days' functions and statuses, read from a date range."""

from __future__ import annotations

import re
from datetime import timedelta

from django.utils import timezone

from rakuten_link.models import ApiCall

LIST = "/admin/rakuten_link/apicall/"


def _call(account, function: str, status: int | None, days_ago: int = 0) -> ApiCall:
    call = ApiCall.objects.create(account=account, function=function, method="POST", path="/", http_status=status)
    ApiCall.objects.filter(pk=call.pk).update(created_at=timezone.now() - timedelta(days=days_ago))
    return call


def test_the_filters_list_recent_values_and_still_filter(admin_client, account):
    _call(account, "order.searchOrder.version=2", 200)
    _call(account, "inventoryapi_2.0.bulk.upsert", None)
    _call(account, "old.function", 503, days_ago=30)
    page = admin_client.get(LIST).content.decode()
    assert "?function=order.searchOrder.version%3D2" in page and "?http_status=200" in page
    assert "?http_status=none" in page  # a call that got no answer
    assert "?function=old.function" not in page and "?http_status=503" not in page  # a month old: not offered
    old = admin_client.get(LIST, {"http_status": "503"}).content.decode()
    assert "?http_status=503" in old  # chosen by hand (a link): offered as chosen …
    assert _rows(old) == ["old.function"]  # … and applied
    none = admin_client.get(LIST, {"http_status": "none"}).content.decode()
    assert len(_rows(none)) == 1 and "bulk.upsert" in _rows(none)[0]


def _rows(page: str) -> list[str]:
    return re.findall(r'class="field-function_shown">([^<]*)<', page)
