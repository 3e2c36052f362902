"""The order timeline as the order page shows it: newest first, each step with what, details, who and when.

The marketplace's changes (``OrderChange``, one row per field) are merged in by time: the changes of one
fetch make one step, whose actor is the job (or person) of the ``changed`` row written with them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from .admin_display import change_value, change_what, progress_text
from .models import AttentionReason, EventKind, MessageEvent, MessageStatus, Order, OrderChange, OrderEvent
from .timeline import NAMES

SAME_FETCH = timedelta(seconds=2)  # change rows and their 'changed' row are written in one transaction
NOWRAP = "white-space:nowrap"
ROW = (f"<tr class=\"timeline-{{}}\"><td style=\"{NOWRAP}\">{{}}</td><td style=\"{NOWRAP}\">{{}}</td>"
       f"<td style=\"overflow-wrap:anywhere\">{{}}</td><td style=\"{NOWRAP}\">{{}}</td></tr>")


def timeline_html(order: Order) -> str:
    events = list(order.events.select_related("user"))
    entries = [(e.at, e.kind, str(e.get_kind_display()), _details(e), who(e))
               for e in events if e.kind != EventKind.CHANGED]
    entries += _change_entries(list(order.changes.all()), [e for e in events if e.kind == EventKind.CHANGED])
    if not entries:
        return "—"
    entries.sort(key=lambda entry: entry[0], reverse=True)
    head = format_html("<tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>", _("When"), _("What"),
                       _("Details"), _("By"))
    body = format_html_join("", ROW, ((kind, _when(at), what, details, actor)
                                      for at, kind, what, details, actor in entries))
    return format_html("<table class=\"order-timeline\"><thead>{}</thead><tbody>{}</tbody></table>", head, body)


def who(event: OrderEvent) -> str:
    if event.user is not None:
        return event.user.get_full_name() or event.user.get_username()
    if event.job:
        return _("job: %(job)s") % {"job": NAMES.jobs.get(event.job, event.job)}
    return "—"


def _details(event: OrderEvent) -> str:
    data = event.data or {}
    render = DETAILS.get(event.kind)
    text = render(data) if render else ""
    return " — ".join(part for part in (text, event.message) if part)


def _reasons(data: dict) -> str:
    return "、".join(_label(AttentionReason, r) for r in data.get("reasons", []))


def _parcel(data: dict) -> str:
    parts = [NAMES.carrier(data.get("carrier", "")), data.get("tracking", ""), data.get("shipped_on", "")]
    text = " ".join(p for p in parts if p)
    if data.get("external_id"):
        text += " " + _("(shipping detail id %(id)s)") % {"id": data["external_id"]}
    if data.get("deleted"):
        text = _("deletion of %(parcel)s") % {"parcel": text}
    return text


def _message(data: dict) -> str:
    text = _label(MessageEvent, data.get("event", ""))
    if data.get("status") == MessageStatus.HELD:
        text += " (" + str(MessageStatus.HELD.label) + ")"
    return text


def _label(choices, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


DETAILS: dict[str, Callable[[dict], str]] = {
    EventKind.FETCHED: lambda d: _("Rakuten status: %(status)s") % {"status": progress_text(d.get("progress"))},
    EventKind.ATTENTION_RAISED: _reasons, EventKind.ATTENTION_CLEARED: _reasons,
    EventKind.SHIPMENT_RECORDED: _parcel, EventKind.SHIPMENT_CORRECTED: _parcel, EventKind.SHIPMENT_DELETED: _parcel,
    EventKind.SHIPMENT_REPORTED: _parcel, EventKind.SHIPMENT_REFUSED: _parcel,
    EventKind.MESSAGE_QUEUED: _message, EventKind.MESSAGE_SENT: _message, EventKind.MESSAGE_FAILED: _message,
    EventKind.SCANNED: lambda d: f"{d.get('sku', '')} ({d.get('code', '')})",
    EventKind.SCAN_REFUSED: lambda d: d.get("code", ""),
}


def _change_entries(changes: list[OrderChange], marks: list[OrderEvent]) -> list[tuple]:
    """One entry per fetch: change rows less than SAME_FETCH apart, with the actor of the nearest mark."""
    groups: list[list[OrderChange]] = []
    for change in sorted(changes, key=lambda c: (c.changed_at, c.pk)):
        if groups and change.changed_at - groups[-1][-1].changed_at < SAME_FETCH:
            groups[-1].append(change)
        else:
            groups.append([change])
    entries = []
    for group in groups:
        at = group[0].changed_at
        mark = min(marks, key=lambda e: abs(e.at - at), default=None)
        actor = who(mark) if mark is not None and abs(mark.at - at) < SAME_FETCH else "—"
        lines = format_html_join("", "<li>{}: {} → {}</li>", (
            (change_what(c), change_value(c, c.old_value) or "—", change_value(c, c.new_value) or "—")
            for c in group))
        entries.append((at, EventKind.CHANGED, str(EventKind.CHANGED.label),
                        format_html("<ul style=\"margin:0;padding-left:1.2em\">{}</ul>", lines), actor))
    return entries


def _when(moment: datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "Y/m/d H:i:s")
