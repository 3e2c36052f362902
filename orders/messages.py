"""Buyer-message placeholders: a fixed set, filled by plain text replacement.

No template language: a template is staff-written text that reaches buyers, so it can only name one of
the values below (``{注文番号}`` …), never an attribute, filter or tag. An unknown name is refused when
the template is saved (``MailTemplate.clean``) and left as written if it ever reaches rendering.
This module imports no model, so the model module can use it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from django.utils.translation import gettext as _

PLACEHOLDERS = ("注文番号", "注文日", "購入者名", "商品明細", "合計", "配送会社", "お問い合わせ番号", "店舗名")
_PLACEHOLDER = re.compile(r"\{([^{}\s]{1,30})\}")


def unknown_placeholders(text: str) -> list[str]:
    """The placeholder names in ``text`` outside the fixed set, in order of appearance, once each."""
    found = [name for name in _PLACEHOLDER.findall(text) if name not in PLACEHOLDERS]
    return list(dict.fromkeys(found))


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

    return _PLACEHOLDER.sub(replace, text)


def yen(amount: int | None) -> str:
    return f"{amount or 0:,}円"


def line_items(lines: Iterable) -> str:
    """One line per ordered item: name, quantity and line price, as buyers read it in a mail."""
    return "\n".join(f"{line.name} × {line.units} {yen(line.price * line.units)}" for line in lines)


def order_values(order, *, carrier: str = "", tracking_number: str = "", shop_name: str = "") -> dict[str, str]:
    """The placeholder values of ``order``; the carrier is passed in by name (orders knows only codes)."""
    lines = [line for line in order.lines.all() if not line.removed]
    return {
        "注文番号": order.order_number,
        "注文日": order.ordered_at.astimezone().strftime("%Y-%m-%d %H:%M") if order.ordered_at else "",
        "購入者名": order.buyer_name,
        "商品明細": line_items(lines),
        "合計": yen(order.request_price or order.total_price),
        "配送会社": carrier,
        "お問い合わせ番号": tracking_number,
        "店舗名": shop_name or order.account.name,
    }
