"""Raw-column writers refuse a name that has no column (a reverse relation) before any SQL is built."""

from __future__ import annotations

import pytest
from django.core.exceptions import FieldDoesNotExist

from inventory.models import Product, Sku
from lib.fastwrite import update_rows
from lib.modelfields import column_of, concrete_field


def test_a_concrete_field_and_its_column():
    assert column_of(concrete_field(Sku, "product")) == "product_id"
    assert concrete_field(Sku(), "code").max_length == 64


@pytest.mark.django_db
def test_update_rows_refuses_a_reverse_relation():
    product = Product.objects.create(code="P1", name="P")
    sku = Sku.objects.create(code="S1", product=product, name="S")
    with pytest.raises(FieldDoesNotExist, match="has no column"):
        update_rows([sku], ["order_lines"])
