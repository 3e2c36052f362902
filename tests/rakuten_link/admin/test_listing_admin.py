"""The listing admin: findings marked on the page, check on save, send, CSV, and the product list's action."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from rakuten_link.listing.lookup import listing_for
from rakuten_link.models import Listing, ListingTemplate


@pytest.fixture
def ready(account):
    template = ListingTemplate.objects.get(account=account, name="標準")
    template.genre_id = "100371"
    template.save()
    account.prohibited_words = "セール"
    account.save()
    return template


@pytest.fixture
def product(db):
    from inventory.models import Product, Sku

    product = Product.objects.create(code="TEE01", name="ｾｰﾙ Tシャツ", price=3300)
    for n, size in enumerate(("M", "L"), 1):
        Sku.objects.create(code=f"TEE01-{n}", product=product, name=size, options={"サイズ": size})
    return product


def change_url(listing):
    return reverse("admin:rakuten_link_listing_change", args=[listing.pk])


def test_the_page_marks_the_prohibited_word_and_previews_both_pages(admin_client, account, ready, product):
    listing = listing_for(account, product)
    from rakuten_link.listing.sending import check_listing

    check_listing(listing)
    page = admin_client.get(change_url(listing)).content.decode()
    assert "<mark>ｾｰﾙ</mark>" in page
    assert 'class="listing-preview-pc" sandbox=""' in page and 'class="listing-preview-sp" sandbox=""' in page
    assert "&lt;table" in page  # the rendered description sits escaped inside srcdoc, never as live markup


def test_saving_runs_the_check(admin_client, account, ready, product):
    listing = listing_for(account, product)
    data = {"account": account.pk, "product": product.pk, "template": ready.pk, "manage_number": "tee01",
            "item_number": "", "title": "", "tagline": ""}
    admin_client.post(change_url(listing), data)
    assert Listing.objects.get().status == "blocked"
    admin_client.post(change_url(listing), {**data, "title": "Tシャツ"})
    assert Listing.objects.get().status == "draft"


def test_the_send_action_lists_the_item_and_is_audited(rms, admin_client, account, ready, product):
    listing = listing_for(account, product)
    listing.title = "Tシャツ"
    listing.save()
    url = reverse("admin:rakuten_link_listing_changelist")
    admin_client.post(url, {"action": "send_selected", "_selected_action": [listing.pk]})
    listing.refresh_from_db()
    assert listing.status == "listed"
    assert "tee01" in rms.state.items_of("000001")
    assert LogEntry.objects.filter(object_id=str(listing.pk), change_message__startswith="楽天に送信").exists()


def test_the_csv_action_downloads_normal_item_csv(admin_client, account, ready, product):
    listing = listing_for(account, product)
    url = reverse("admin:rakuten_link_listing_changelist")
    response = admin_client.post(url, {"action": "export_csv", "_selected_action": [listing.pk]})
    rows = list(csv.reader(io.StringIO(response.content.decode("cp932"), newline="")))
    assert [row[0] for row in rows[1:]] == ["tee01", "tee01", "tee01"]


def test_the_csv_file_is_named_with_the_time_in_japan(admin_client, account, ready, product, monkeypatch):
    # 2026-05-01 23:30 UTC is already 2026-05-02 08:30 in Tokyo: the file must say the 2nd.
    from datetime import UTC, datetime

    from django.utils import timezone

    listing = listing_for(account, product)
    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 5, 1, 23, 30, tzinfo=UTC))
    url = reverse("admin:rakuten_link_listing_changelist")
    response = admin_client.post(url, {"action": "export_csv", "_selected_action": [listing.pk]})
    assert response["Content-Disposition"] == 'attachment; filename="normal-item-20260502-0830.csv"'


def test_the_product_list_creates_listings_for_many_products(admin_client, account, ready, product):
    from inventory.models import Product

    other = Product.objects.create(code="MUG", name="マグ", price=1000)
    other.skus.create(code="MUG-1", name="白")
    url = reverse("admin:inventory_product_changelist")
    admin_client.post(url, {"action": "create_listings", "account": account.pk, "template": "",
                            "_selected_action": [product.pk, other.pk]})
    assert dict(Listing.objects.values_list("manage_number", "status")) == {"tee01": "blocked", "mug": "draft"}
