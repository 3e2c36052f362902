"""HTML on the item page: our data is escaped where it enters an HTML field, staff-written markup is checked.

A product name is data (it may come from a CSV); the descriptions are HTML that RMS shows on the shop's
page. The name must arrive there as text, while the title (plain text in RMS) keeps it as written.
"""

from __future__ import annotations

import csv
import io

import pytest
from django.core.exceptions import ValidationError

from rakuten_link.listing.csv_export import item_csv_bytes
from rakuten_link.listing.draft import build_draft
from rakuten_link.listing.lookup import listing_for
from rakuten_link.listing.preflight import check_draft
from rakuten_link.listing.sending import check_listing, send_listing
from rakuten_link.sync.clients import client_for

HOSTILE = "<img src=x onerror=alert(1)>Tシャツ"
ESCAPED = "&lt;img src=x onerror=alert(1)&gt;Tシャツ"


@pytest.fixture
def named_template(ready_template):
    ready_template.pc_description = "<p>{商品名}</p>{SKU表}"
    ready_template.sp_description = "<h2>{商品名}</h2><p>{商品コード} {価格}</p>"
    ready_template.sales_description = "<pre>{SKU一覧}</pre>"
    ready_template.tagline_pattern = "{商品名} 入荷"
    ready_template.save()
    return ready_template


def test_a_hostile_product_name_arrives_escaped_in_the_descriptions_at_the_sandbox(
        rms, account, named_template, make_product):
    listing = listing_for(account, make_product(name=HOSTILE, options=[{"サイズ": "<b>M</b>"}, {"サイズ": "L"}]))

    result = send_listing(listing, client_for(account))

    assert result.ok, result.message
    item = rms.state.items_of("000001")["tee01"]
    assert item["productDescription"]["pc"].startswith(f"<p>{ESCAPED}</p><table")
    assert item["productDescription"]["sp"] == f"<h2>{ESCAPED}</h2><p>TEE01 3,300円</p>"
    assert "<img" not in item["salesDescription"] and "&lt;b&gt;M&lt;/b&gt;" in item["salesDescription"]
    # Title and tagline are plain text in RMS: escaping them would show "&lt;" to buyers.
    assert item["title"] == HOSTILE
    assert item["tagline"] == f"{HOSTILE} 入荷"


def test_a_hostile_product_name_is_escaped_in_normal_item_csv(account, named_template, make_product):
    listing = listing_for(account, make_product(name=HOSTILE))

    data, _count = item_csv_bytes([listing])

    parent = next(csv.DictReader(io.StringIO(data.decode("cp932"), newline="")))
    assert parent["PC用商品説明文"].startswith(f"<p>{ESCAPED}</p>")
    assert parent["スマートフォン用商品説明文"].startswith(f"<h2>{ESCAPED}</h2>")
    assert parent["商品名"] == HOSTILE
    assert b"<img" not in data.replace(HOSTILE.encode("cp932"), b"")


def test_an_escaped_hostile_name_does_not_block_the_listing(account, named_template, make_product):
    assert check_draft(build_draft(listing_for(account, make_product(name=HOSTILE))), []) == []


@pytest.mark.parametrize(("field", "html", "label", "what"), [
    ("pc_description", '<a href="#" onclick="steal()">{商品名}</a>', "PC用商品説明文", "onclick"),
    ("sp_description", "<p>{商品名}</p><script>steal()</script>", "スマートフォン用商品説明文", "script"),
    ("sales_description", '<a href=" JaVaScript:steal()">買う</a>', "PC用販売説明文", "javascript:"),
    ("pc_description", '<a href="jav&#x09;ascript:steal()">買う</a>', "PC用商品説明文", "javascript:"),
    ("pc_description", '<iframe src="https://example.com/"></iframe>', "PC用商品説明文", "iframe"),
    ("pc_description", '<IMG SRC=x ONERROR="steal()">', "PC用商品説明文", "onerror"),
    ("sp_description", '<object data="data:text/html;base64,PHNjcmlwdD4="></object>', "スマートフォン用商品説明文",
     "object"),
    ("pc_description", '<a href="data:text/html,<script>x</script>">x</a>', "PC用商品説明文", "data:text/html"),
    ("pc_description", '<img src="vbscript:msgbox(1)">', "PC用商品説明文", "vbscript:"),
    ("pc_description", '<p style="width: expression(alert(1))">x</p>', "PC用商品説明文", "expression"),
])
def test_staff_written_script_in_a_template_blocks_the_listing(account, ready_template, make_product,
                                                               field, html, label, what):
    setattr(ready_template, field, html)
    ready_template.save()
    listing = listing_for(account, make_product())

    found = check_listing(listing)

    assert {f.field for f in found} == {field}
    assert label in found[0].message and what in found[0].message.lower()
    assert listing.status == "blocked"


def test_a_tag_left_open_at_the_end_blocks_the_listing(account, ready_template, make_product):
    # RMS puts its own markup after the field; the browser would close this tag there, with its handler.
    ready_template.pc_description = "<p>{商品名}</p><img src=x onerror=steal()"
    ready_template.save()
    found = check_listing(listing_for(account, make_product()))
    assert [f.field for f in found] == ["pc_description"] and "閉じ" in found[0].message


def test_ordinary_markup_passes(account, ready_template, make_product):
    ready_template.pc_description = (
        '<table width="100%"><tr><td><font color="red"><b>{商品名}</b></font></td></tr></table>'
        '<a href="https://item.rakuten.co.jp/shop/tee01/">詳細</a><img src="https://image.rakuten.co.jp/a.jpg">'
        '<p style="color: red">送料無料: data:text/plain はただの文字</p><br>{SKU表}')
    ready_template.save()
    assert check_listing(listing_for(account, make_product())) == []


def test_saving_a_template_with_script_is_refused_with_the_field_named(ready_template):
    ready_template.pc_description = '<p onclick="steal()">{商品名}</p>'
    ready_template.sales_description = "<script>steal()</script>{商品説明}"
    with pytest.raises(ValidationError) as error:
        ready_template.full_clean()
    errors = error.value.message_dict
    assert sorted(errors) == ["pc_description", "sales_description"]
    assert "onclick" in errors["pc_description"][0] and "PC用商品説明文" in errors["pc_description"][0]
    assert len(errors["sales_description"]) == 2  # the unknown placeholder and the script, each said
