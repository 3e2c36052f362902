"""How order data reads on admin pages: flags, change-history labels, the folded raw JSON."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import admin
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from lib.adminviews import html_table

from .models import AttentionReason, OrderChange, OrderLine
from .models.change_text import RAW_PREFIX, is_raw, progress_text, value_text, what_text  # noqa: F401

REASON_LABELS = dict(AttentionReason.choices)
BADGE = '<span style="background:{};color:#fff;border-radius:3px;padding:1px 6px;white-space:nowrap">{}</span>'
REASON_COLOURS = {AttentionReason.UNMATCHED_LINE: "#c62828", AttentionReason.SHORT_STOCK: "#e65100"}


def reason_badges(reasons: list[str]) -> str:
    if not reasons:
        return "—"
    return format_html_join(
        " ", BADGE, ((REASON_COLOURS.get(r, "#6d4c41"), REASON_LABELS.get(r, r)) for r in reasons)
    )


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
        ((percent(r.get("tax_rate")), _yen(r.get("request_price")), _yen(r.get("request_tax")),
          _yen(r.get("total_price"))) for r in rows),
    )


def _yen(value: Any) -> str:
    return f"¥{value:,}" if isinstance(value, int) else ""


def yen(value: Any) -> str:
    """¥1,234 as staff read money; "—" when there is none."""
    return _yen(value) or "—"


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
    return admin.display(description=model._meta.get_field(name).verbose_name, ordering=name)(show)
