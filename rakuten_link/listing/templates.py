"""Listing-template placeholders: a fixed set, filled from plain values by regex replacement.

The same rule as the buyer-message templates (orders/messages.py): staff-written patterns may name only
one of the values below ({商品名} …), never an attribute, filter or tag, so no pattern can reach a model.
An unknown name is refused when the template is saved and left as written if it ever reaches rendering.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from django.utils.html import escape
from django.utils.translation import gettext as _

# No product description exists in inventory yet: {商品説明} joins the set when one does.
PLACEHOLDERS = ("商品名", "商品コード", "SKU表", "SKU一覧", "価格")
_PLACEHOLDER = re.compile(r"\{([^{}\s]{1,30})\}")


def unknown_placeholders(text: str) -> list[str]:
    """The placeholder names in ``text`` outside the fixed set, once each, in order of appearance."""
    return list(dict.fromkeys(n for n in _PLACEHOLDER.findall(text or "") if n not in PLACEHOLDERS))


def unknown_placeholders_error(text: str) -> str | None:
    """The message staff see for unknown placeholders, or None when every one is allowed."""
    unknown = unknown_placeholders(text)
    if not unknown:
        return None
    return _("Unknown placeholder(s): %(unknown)s. Use only these: %(allowed)s.") % {
        "unknown": " ".join(f"{{{name}}}" for name in unknown),
        "allowed": " ".join(f"{{{name}}}" for name in PLACEHOLDERS),
    }


def render(text: str, values: Mapping[str, str]) -> str:
    """Replace each known placeholder by its value (missing → ""); anything else stays as written."""

    def replace(match: re.Match) -> str:
        name = match.group(1)
        return str(values.get(name, "")) if name in PLACEHOLDERS else match.group(0)

    return _PLACEHOLDER.sub(replace, text or "")


def yen(amount: int | None) -> str:
    return f"{amount:,}円" if amount is not None else ""


def sku_table(rows: Iterable[tuple[str, str]]) -> str:
    """An HTML table of the SKUs (code, what tells it apart), escaped: SKU names are data, not markup."""
    cells = "".join(f"<tr><td>{escape(code)}</td><td>{escape(label)}</td></tr>" for code, label in rows)
    return f'<table border="1" cellpadding="4"><tr><th>SKU</th><th></th></tr>{cells}</table>' if cells else ""


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
