"""A re-pull compares items by digest: unchanged items are left unread, every change RMS makes is still seen.

The changes are made in the sandbox in place, with the item's ``updated`` stamp kept: the index then gives
no hint (no fresh read), so only the digest can notice them.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rakuten_link.models import CatalogueItem, CatalogueVariant
from rakuten_link.rms.parse_catalog import parse_item
from rakuten_link.sandbox.state.big_catalogue import build_catalogue
from rakuten_link.sandbox.state.seed import seed_catalogue
from rakuten_link.sync.catalogue.store import store_items

SHOP = "000001"
BULK_GET = "itemapi_2.0.items.bulk.get"


@pytest.fixture
def shop(rms):
    catalogue = build_catalogue(variants=300, seed=11)
    seed_catalogue(rms.state, catalogue, shop=SHOP)
    return catalogue


def _pull(account):
    call_command("rakuten_sync", "catalogue", "--account", account.name)


def _sku_item(rms) -> tuple[str, dict]:
    """An item with SKUs, selectors and more than one variant."""
    return next((mn, item) for mn, item in rms.state.items_of(SHOP).items()
                if len(item.get("variants") or {}) > 1 and item.get("variantSelectors"))


def _variant(manage_number: str, variant_id: str) -> CatalogueVariant:
    return CatalogueVariant.objects.get(item__manage_number=manage_number, variant_id=variant_id)


def test_a_repull_sees_a_title_selector_jan_and_quantity_changed_without_a_new_updated_stamp(rms, account, shop):
    _pull(account)
    number, item = _sku_item(rms)
    first, second = list(item["variants"])[:2]
    key = item["variantSelectors"][0]["key"]
    item["title"] = "タイトル変更"
    item["variants"][first]["selectorValues"][key] = "新しい値"
    item["variants"][second]["articleNumber"] = {"value": "4901234567894"}
    rms.state.inventory_of(SHOP)[(number.lower(), first)]["quantity"] = 4321
    rms.state.clear_requests()

    _pull(account)

    assert rms.state.requests(BULK_GET) == []  # nothing in the index said the item changed
    assert CatalogueItem.objects.get(manage_number=number).title == "タイトル変更"
    name = item["variantSelectors"][0]["displayName"]
    assert _variant(number, first).selectors[name] == "新しい値"
    assert (_variant(number, second).jan, _variant(number, second).article_number) == ("4901234567894",) * 2
    assert _variant(number, first).quantity == 4321


def test_a_repull_marks_a_gone_item_and_revives_it_when_it_comes_back_unchanged(rms, account, shop):
    _pull(account)
    number, item = _sku_item(rms)
    rms.state.items_of(SHOP).pop(number)
    _pull(account)
    assert CatalogueItem.objects.get(manage_number=number).gone_at is not None
    assert not CatalogueVariant.objects.filter(item__manage_number=number, gone_at__isnull=True).exists()

    rms.state.items_of(SHOP)[number] = item  # back as it was: the same digest as the stored row
    _pull(account)

    assert CatalogueItem.objects.get(manage_number=number).gone_at is None
    assert set(CatalogueVariant.objects.filter(item__manage_number=number, gone_at__isnull=True)
               .values_list("variant_id", flat=True)) == set(item["variants"])


def _items(count: int) -> list:
    return [parse_item({"manageNumber": f"mn-{n}", "itemNumber": f"IN-{n}", "title": f"商品 {n}",
                        "variantSelectors": [{"key": "size", "displayName": "サイズ"}],
                        "variants": {f"v{n}-{s}": {"merchantDefinedSkuId": f"SKU-{n}-{s}",
                                                   "selectorValues": {"size": s}, "standardPrice": "1000"}
                                     for s in ("S", "M")}}) for n in range(count)]


def test_storing_an_unchanged_page_again_reads_no_variant_and_moves_only_pulled_at(account):
    items = _items(5)
    store_items(account, items, timezone.now())
    before = dict(CatalogueVariant.objects.values_list("id", "selectors"))
    later = timezone.now()

    with CaptureQueriesContext(connection) as queries:
        seen = store_items(account, items, later)

    assert seen == 10
    variant_sql = [q["sql"] for q in queries if "cataloguevariant" in q["sql"]]
    assert len(variant_sql) == 1 and variant_sql[0].startswith("UPDATE") and "pulled_at" in variant_sql[0]
    assert dict(CatalogueVariant.objects.values_list("id", "selectors")) == before
    assert set(CatalogueVariant.objects.values_list("pulled_at", flat=True)) == {later}
    assert set(CatalogueItem.objects.values_list("pulled_at", flat=True)) == {later}


def test_an_item_stored_without_a_digest_is_compared_and_given_one(account):
    items = _items(2)
    store_items(account, items, timezone.now())
    CatalogueItem.objects.update(digest="", title="古い")  # as rows written before digests existed

    store_items(account, items, timezone.now())

    assert sorted(CatalogueItem.objects.values_list("title", flat=True)) == ["商品 0", "商品 1"]
    assert "" not in set(CatalogueItem.objects.values_list("digest", flat=True))
