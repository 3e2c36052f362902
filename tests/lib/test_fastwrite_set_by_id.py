"""set_by_id: per-id integers (NULL for None) and one shared value, in one statement, other rows untouched."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from lib.fastwrite import set_by_id
from rakuten_link.models import CatalogueItem, CatalogueVariant


@pytest.mark.django_db
def test_each_id_gets_its_value_and_the_shared_one_in_one_query(make_account, django_assert_num_queries):
    account = make_account()
    at = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
    item = CatalogueItem.objects.create(account=account, manage_number="mn", pulled_at=at)
    a, b, c = (CatalogueVariant.objects.create(item=item, account=account, variant_id=v, quantity=1, pulled_at=at)
               for v in "abc")
    later = datetime(2026, 12, 2, 9, 30, tzinfo=UTC)

    with django_assert_num_queries(1):
        set_by_id(CatalogueVariant, {a.pk: 7, b.pk: None}, columns=("quantity",), also={"pulled_at": later})

    rows = dict(CatalogueVariant.objects.values_list("variant_id", "quantity"))
    assert rows == {"a": 7, "b": None, "c": 1}
    stamps = dict(CatalogueVariant.objects.values_list("variant_id", "pulled_at"))
    assert stamps == {"a": later, "b": later, "c": at}
