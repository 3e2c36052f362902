"""How order data reads on admin pages: flags, change-history labels, the folded raw JSON, the list's cells.

The order list must show one line per order on a 1366 px screen (orders/static/orders/order_list.css): long
values go into a `clip` span, cut with an ellipsis, their full text in the title that shows on hover.
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any

from django.contrib import admin
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lib.adminviews import html_table
from lib.modelfields import concrete_field
from lib.money import yen_sign

from .models import AttentionReason, OrderChange, OrderLine, OrderProgress
from .models.change_text import RAW_PREFIX, is_raw, progress_text, value_text, what_text  # noqa: F401

REASON_LABELS: dict[str, str | Promise] = dict(AttentionReason.choices)
BADGE = '<span style="background:{};color:#fff;border-radius:3px;padding:1px 6px;white-space:nowrap">{}</span>'
FLAG = ('<span class="flag" title="{}" style="background:{};color:#fff;border-radius:3px;padding:1px 5px;'
        'white-space:nowrap">{}</span>')
REASON_COLOURS: dict[str, str] = {AttentionReason.UNMATCHED_LINE: "#c62828", AttentionReason.SHORT_STOCK: "#e65100"}
# A badge's word: the list has room for a few characters per reason; the full reason is its title.
SHORT_REASONS: dict[str, Promise] = {
    AttentionReason.UNMATCHED_LINE: gettext_lazy("SKU?"),
    AttentionReason.SHORT_STOCK: gettext_lazy("short"),
    AttentionReason.UNMAPPED_PAYMENT: gettext_lazy("payment?"),
    AttentionReason.ORDER_CHANGED: gettext_lazy("lines changed"),
    AttentionReason.CANCEL_PENDING: gettext_lazy("cancel?"),
    AttentionReason.CANCELLED_AFTER_SHIPPING: gettext_lazy("return?"),
    AttentionReason.TAX_MISMATCH: gettext_lazy("tax?"),
}
CLIP = '<span class="clip" title="{}">{}</span>'


def reason_badges(reasons: list[str], *, short: bool = False) -> str:
    """A badge per reason; `short` ones (for the list) say 欠品 and carry the full reason in their title."""
    if not reasons:
        return "—"
    return format_html_join(" ", FLAG, (
        (REASON_LABELS.get(r, r), REASON_COLOURS.get(r, "#6d4c41"),
         SHORT_REASONS.get(r, r) if short else REASON_LABELS.get(r, r)) for r in reasons
    ))


def clipped(text: Any, title: str = "") -> str:
    """A list cell that stays on one line: cut with an ellipsis when too long, the whole text on hover."""
    text = str(text or "")
    return format_html(CLIP, title or text, text) if text else "—"


def progress_label(code: Any) -> str:
    """発送待ち for the list, `300 発送待ち` on hover; an unknown code as received."""
    try:
        label = OrderProgress.label_of(int(code))
    except (TypeError, ValueError):
        label = ""
    return clipped(label or code, progress_text(code))


def list_time(moment) -> str:
    """2026/05/12 09:41 in local time: a date and time that fit one line of the list."""
    return formats.date_format(timezone.localtime(moment), "Y/m/d H:i") if moment else "—"


def lines_summary(lines: list[OrderLine]) -> str:
    """`商品名 ×2 他3点`: the first line (its name cut to fit) and a count of the rest; every line on hover."""
    if not lines:
        return "—"
    first, more = lines[0], len(lines) - 1
    tail = f" ×{first.units}" + (" " + _("and %(n)d more") % {"n": more} if more else "")
    every = "\n".join(f"{line.name} ×{line.units}" for line in lines)
    return format_html('<span class="line-summary" title="{}"><span class="line-name">{}</span>{}</span>',
                       every, first.name, tail)


def sku_badge(line: OrderLine) -> str:
    """The mapped SKU, or 要確認 when no mapping matched (the line is kept, never dropped)."""
    if line.sku_id is None:
        return format_html(BADGE, "#c62828", "要確認")
    return str(line.sku)


def change_what(change: OrderChange) -> str:
    """The field's label; a raw change says "marketplace data" and folds its RMS path (for whoever asks RMS)."""
    if not is_raw(change.field):
        return what_text(change.field)
    return format_html("{}{}", what_text(change.field), _fold(_("RMS field"), change.field.removeprefix(RAW_PREFIX)))


def change_value(change: OrderChange, value: str) -> str:
    """The value as the order page shows it; marketplace data in JSON is folded, as the raw data is."""
    if is_raw(change.field) and value[:1] in ("{", "["):
        return _fold(_("show the data"), value)
    return value_text(change.field, value)


def _fold(summary: str, detail: str) -> str:
    return format_html('<details class="raw-data"><summary>{}</summary><code>{}</code></details>', summary, detail)


def pretty_json(value: Any) -> str:
    return format_html("<pre style=\"max-height:40em;overflow:auto\">{}</pre>",
                       json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True))


def tax_table(rows: list[dict]) -> str:
    if not rows:
        return "—"
    return html_table(
        [_("tax rate"), _("billed"), _("of which tax"), _("goods")],
        ((percent(r.get("tax_rate")), yen_sign(r.get("request_price")), yen_sign(r.get("request_tax")),
          yen_sign(r.get("total_price"))) for r in rows),
    )


# A money field on the order page: ¥1,234, "—" when there is none.
yen = partial(yen_sign, missing="—")


def percent(rate: Any) -> str:
    """A tax rate stored as a fraction (0.1, "0.08") as staff read it: 10%, 8%; "—" when not a number."""
    try:
        return f"{Decimal(str(rate)) * 100:f}".rstrip("0").rstrip(".") + "%"
    except (InvalidOperation, ValueError):
        return "—"


def shown_as(model: type, name: str, formatter) -> Any:
    """An admin display function for model field ``name``, under the field's own label, via ``formatter``.

    The admin shows a read-only IntegerField as 1234; the order page wants ¥1,234 and 10% instead.
    """
    def show(_admin, obj) -> str:
        return formatter(getattr(obj, name))

    show.__name__ = f"{name}_shown"
    return admin.display(description=concrete_field(model, name).verbose_name, ordering=name)(show)
