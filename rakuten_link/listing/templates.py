"""Listing-template placeholders ({商品名} …, the rule in lib/placeholders.py) and a product's values."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.html import escape

from lib.money import yen
from lib.placeholders import Placeholders

# No product description exists in inventory yet: {商品説明} joins the set when one does.
LISTING_PLACEHOLDERS = Placeholders(("商品名", "商品コード", "SKU表", "SKU一覧", "価格"))
PLACEHOLDERS = LISTING_PLACEHOLDERS.names
unknown_placeholders = LISTING_PLACEHOLDERS.unknown
unknown_placeholders_error = LISTING_PLACEHOLDERS.unknown_error
render = LISTING_PLACEHOLDERS.render


def sku_table(rows: Iterable[tuple[str, str]]) -> str:
    """An HTML table of the SKUs (code, what tells it apart), escaped: SKU names are data, not markup."""
    cells = "".join(f"<tr><td>{escape(code)}</td><td>{escape(label)}</td></tr>" for code, label in rows)
    # Rakuten's buyers read this table, in Japanese whatever language the staff's admin is in.
    head = "<tr><th>SKU</th><th>仕様</th></tr>"
    return f'<table border="1" cellpadding="4">{head}{cells}</table>' if cells else ""


# Values that are HTML already, built here with their parts escaped.
HTML_VALUES = frozenset({"SKU表"})


def as_html(values: dict[str, str]) -> dict[str, str]:
    """``values`` for an HTML field (the descriptions): our data is text there, never markup.

    A product name like ``<img src=x onerror=…>`` must reach the item page as those characters. The title,
    tagline and variant names are plain text in RMS and take the values unescaped.
    """
    return {name: value if name in HTML_VALUES else str(escape(value)) for name, value in values.items()}


def product_values(product, skus: list) -> dict[str, str]:
    """The placeholder values of ``product`` with its SKUs (passed in, already ordered)."""
    labels = [(sku.code, " / ".join(f"{k}: {v}" for k, v in (sku.options or {}).items()) or sku.name) for sku in skus]
    return {
        "商品名": product.name,
        "商品コード": product.code,
        "SKU表": sku_table(labels),
        "SKU一覧": "\n".join(f"{code} {label}" for code, label in labels),
        "価格": yen(product.price),
    }
