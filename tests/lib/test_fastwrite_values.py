"""insert_values: plain rows into a table, each value prepared by its field unless passed ready."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from lib.fastwrite import insert_values
from orders.models import OrderEvent


@pytest.mark.django_db
def test_rows_are_written_with_dates_and_json_prepared_and_plain_values_as_given(make_account, make_order):
    order = make_order(make_account())
    at = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
    insert_values(OrderEvent, ("order", "at", "kind", "job", "data", "message"),
                  [(order.pk, at, "fetched", "orders", {"progress": 100}, ""),
                   (order.pk, at, "allocated", "orders", {}, "")], plain=("order", "kind", "job", "message"))
    rows = list(OrderEvent.objects.order_by("id").values_list("order_id", "at", "kind", "job", "data", "message"))
    assert rows == [(order.pk, at, "fetched", "orders", {"progress": 100}, ""),
                    (order.pk, at, "allocated", "orders", {}, "")]


@pytest.mark.django_db
def test_nothing_to_write_sends_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        insert_values(OrderEvent, ("order",), [])


COLUMNS = ("item", "account", "variant_id", "merchant_sku_id", "selectors", "jan", "article_number", "pre_sku",
           "pulled_at")


@pytest.fixture
def item(make_account):
    from rakuten_link.models import CatalogueItem

    return CatalogueItem.objects.create(account=make_account(), manage_number="mn", pulled_at=datetime.now(UTC))


@pytest.mark.django_db
def test_rows_of_plain_values_only_are_written_as_given_json_text_included_in_one_visible_query(item):
    from django.db import connection

    from rakuten_link.models import CatalogueVariant

    at = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
    seen = []
    with connection.execute_wrapper(lambda execute, sql, params, many, context: seen.append(sql) or
                                    execute(sql, params, many, context)):
        insert_values(CatalogueVariant, COLUMNS,
                      [(item.pk, item.account_id, "v1", "", '{"サイズ": "S"}', "4901234567894", "", True, at),
                       (item.pk, item.account_id, "v2", "", "{}", "", "", False, at)], plain=COLUMNS[:-1])
    assert len(seen) == 1  # one statement (COPY on PostgreSQL), seen by execute wrappers like any query
    rows = CatalogueVariant.objects.order_by("variant_id").values_list("variant_id", "selectors", "jan", "pre_sku",
                                                                       "pulled_at")
    assert list(rows) == [("v1", {"サイズ": "S"}, "4901234567894", True, at), ("v2", {}, "", False, at)]


@pytest.mark.django_db
def test_a_row_of_the_wrong_length_writes_nothing_and_a_duplicate_raises_djangos_integrity_error(item):
    from django.db import IntegrityError, transaction

    from rakuten_link.models import CatalogueItem

    at = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
    with pytest.raises(ValueError):
        insert_values(CatalogueItem, ("account", "manage_number", "pulled_at"),
                      [(item.account_id, "other", at), (item.account_id, "short")], plain=("account",))
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_values(CatalogueItem, ("account", "manage_number", "digest", "pulled_at"),
                      [(item.account_id, "mn", "", at)], plain=("account", "manage_number", "digest"))
    assert list(CatalogueItem.objects.values_list("manage_number", flat=True)) == ["mn"]
