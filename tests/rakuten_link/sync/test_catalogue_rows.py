"""The digest of an item's rows changes with every field the catalogue stores, and only with those."""

from __future__ import annotations

import copy

import pytest

from rakuten_link.rms.parse_catalog import parse_item
from rakuten_link.sync.catalogue.rows import item_rows

BODY = {"manageNumber": "mn-1", "itemNumber": "IN-1", "title": "シャツ", "hideItem": False, "genreId": "551177",
        "updated": "2026-10-11T11:18:18+09:00",
        "variantSelectors": [{"key": "size", "displayName": "サイズ"}, {"key": "color", "displayName": "カラー"}],
        "variants": {"v-s": {"merchantDefinedSkuId": "SKU-S", "selectorValues": {"size": "S", "color": "赤"},
                             "standardPrice": "1000", "articleNumber": {"value": "4901234567894"}},
                     "v-m": {"merchantDefinedSkuId": "SKU-M", "selectorValues": {"size": "M", "color": "赤"},
                             "standardPrice": "1000"}}}
CHANGES = {
    "item number": lambda b: b.update(itemNumber="IN-2"),
    "title": lambda b: b.update(title="シャツ（新）"),
    "hidden": lambda b: b.update(hideItem=True),
    "genre": lambda b: b.update(genreId="100000"),
    "price": lambda b: b["variants"]["v-s"].update(standardPrice="1200"),
    "updated": lambda b: b.update(updated="2026-10-12T11:18:18+09:00"),
    "SKU number": lambda b: b["variants"]["v-m"].update(merchantDefinedSkuId="SKU-M2"),
    "choice value": lambda b: b["variants"]["v-m"]["selectorValues"].update(color="青"),
    "choice name": lambda b: b["variantSelectors"][1].update(displayName="色"),
    "JAN": lambda b: b["variants"]["v-s"].update(articleNumber={"value": "4901234567900"}),
    "variant gone": lambda b: b["variants"].pop("v-m"),
    "variant added": lambda b: b["variants"].update({"v-l": {"selectorValues": {"size": "L"}}}),
}


def _digest(body: dict) -> str:
    return item_rows(parse_item(body)).digest


@pytest.mark.parametrize("change", CHANGES)
def test_every_stored_field_changes_the_digest(change):
    body = copy.deepcopy(BODY)
    CHANGES[change](body)
    assert _digest(body) != _digest(BODY)


def test_the_same_item_gives_the_same_digest_and_a_field_not_stored_leaves_it():
    body = copy.deepcopy(BODY)
    body["variants"]["v-s"]["hidden"] = True  # a variant's own hidden flag is not stored
    body["created"] = "2020-01-01T00:00:00+09:00"
    assert _digest(copy.deepcopy(BODY)) == _digest(BODY) == _digest(body)
    assert len(_digest(BODY)) == 16
