"""Buyer-message placeholders ({注文番号} …, the rule in lib/placeholders.py) and the values of an order.

An unknown name is refused when the template is saved (``MailTemplate.clean``). This module imports no
model, so the model module can use it.
"""

from __future__ import annotations

from collections.abc import Iterable

from lib.money import yen
from lib.placeholders import Placeholders

MESSAGE_PLACEHOLDERS = Placeholders(
    ("注文番号", "注文日", "購入者名", "商品明細", "合計", "配送会社", "お問い合わせ番号", "店舗名"))
PLACEHOLDERS = MESSAGE_PLACEHOLDERS.names
unknown_placeholders = MESSAGE_PLACEHOLDERS.unknown
unknown_placeholders_error = MESSAGE_PLACEHOLDERS.unknown_error
render = MESSAGE_PLACEHOLDERS.render


def line_items(lines: Iterable) -> str:
    """One line per ordered item: name, quantity and line price, as buyers read it in a mail."""
    return "\n".join(f"{line.name} × {line.units} {yen(line.price * line.units)}" for line in lines)


def order_values(order, *, carrier: str = "", tracking_number: str = "", shop_name: str = "",
                 lines: Iterable | None = None) -> dict[str, str]:
    """The placeholder values of ``order``; the carrier is passed in by name (orders knows only codes).

    ``lines``: the order's lines when the caller holds them (an order being taken in), else they are read.
    """
    lines = [line for line in (order.lines.all() if lines is None else lines) if not line.removed]
    return {
        "注文番号": order.order_number,
        "注文日": order.ordered_at.astimezone().strftime("%Y-%m-%d %H:%M") if order.ordered_at else "",
        "購入者名": order.buyer_name,
        "商品明細": line_items(lines),
        "合計": yen(order.request_price or order.total_price, missing="0円"),
        "配送会社": carrier,
        "お問い合わせ番号": tracking_number,
        "店舗名": shop_name or order.account.name,
    }
