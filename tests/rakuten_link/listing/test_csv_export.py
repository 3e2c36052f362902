"""normal-item.csv: cp932, CRLF, a parent row then one row per SKU, re-read row for row."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from rakuten_link.listing.csv_export import HEADER, ItemCsvError, item_csv_bytes
from rakuten_link.listing.lookup import listing_for
from rakuten_link.models import ListingTemplate


def read(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("cp932"), newline="")))


def test_the_csv_re_read_as_cp932_matches_the_listings_row_for_row(account, ready_template, make_product):
    tee = listing_for(account, make_product())
    mug = listing_for(account, make_product("MUG", price=1200, options=[{}], name="マグカップ"))

    data, count = item_csv_bytes([tee, mug])

    assert data.count(b"\r\n") == 6 and b"\n" not in data.replace(b"\r\n", b"")
    rows = read(data)
    assert count == len(rows) == 5
    assert list(rows[0]) == HEADER
    parent, m, large, mug_parent, mug_sku = rows
    assert (parent["商品管理番号（商品URL）"], parent["商品名"], parent["SKU管理番号"]) == ("tee01", "Tシャツ", "")
    definitions = ("バリエーション項目キー定義", "バリエーション項目名定義", "バリエーション1選択肢定義")
    assert [parent[column] for column in definitions] == ["opt1", "サイズ", "M|L"]
    assert parent["ジャンルID"] == "100371" and parent["消費税率"] == "0.1"
    assert [(r["商品管理番号（商品URL）"], r["SKU管理番号"], r["システム連携用SKU番号"], r["バリエーション項目キー1"],
             r["バリエーション項目選択肢1"], r["販売価格"], r["商品名"]) for r in (m, large)] == [
        ("tee01", "tee01-1", "TEE01-1", "opt1", "M", "3300", ""),
        ("tee01", "tee01-2", "TEE01-2", "opt1", "L", "3300", "")]
    assert (mug_parent["商品名"], mug_parent["バリエーション項目キー定義"]) == ("マグカップ", "")
    assert (mug_sku["SKU管理番号"], mug_sku["バリエーション項目キー1"], mug_sku["販売価格"]) == ("mug-1", "", "1200")


def test_a_character_cp932_cannot_hold_names_the_product_and_field(account, ready_template, make_product):
    listing = listing_for(account, make_product(name="𠮷野家Tシャツ"))
    with pytest.raises(ItemCsvError) as error:
        item_csv_bytes([listing])
    assert "TEE01" in str(error.value) and "商品名" in str(error.value) and "U+20BB7" in str(error.value)


def test_export_item_csv_command_writes_the_file_or_nothing(account, ready_template, make_product, tmp_path):
    make_product()
    listing_for(account, "TEE01")
    out = tmp_path / "normal-item.csv"
    call_command("export_item_csv", "--account", account.name, "--output", str(out))
    assert len(read(out.read_bytes())) == 3

    make_product("BAD", name="😀")
    bad = tmp_path / "bad.csv"
    with pytest.raises(CommandError):
        call_command("export_item_csv", "TEE01", "BAD", "--account", account.name, "--output", str(bad))
    assert not bad.exists()


def test_unknown_placeholders_are_refused_on_save(account):
    template = ListingTemplate(account=account, name="x", title_pattern="{商品名}{product.name}",
                               pc_description="<p>{product.code}</p>")
    with pytest.raises(ValidationError) as error:
        template.full_clean()
    assert set(error.value.message_dict) == {"title_pattern", "pc_description"}
