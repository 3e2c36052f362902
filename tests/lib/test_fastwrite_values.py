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
