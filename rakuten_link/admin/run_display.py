"""How a sync run's stored texts and counts are shown: RMS errors framed in a translated sentence, counts named.

The RMS client (rakuten_link/rms/) is Django-free, so its errors are English sentences built around what
RMS itself said; a failed run stores that text as its summary and error. They are re-framed when shown
(rakuten_link/wording.py), in a sentence of the staff's language, with RMS's own message kept verbatim.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rakuten_link.wording import framed  # noqa: F401  (the admin's name for it)

# The keys jobs put in SyncRun.counts, as staff read them; an unknown key is shown as it is.
COUNT_LABELS = {
    "considered": _("checked"), "changed": _("changed"), "pushed": _("pushed"), "rejected": _("rejected"),
    "calls": _("RMS calls"), "created": _("new"), "new": _("new"), "updated": _("updated"),
    "unchanged": _("unchanged"), "cancelled": _("cancelled"), "reported": _("reported"),
    "corrected": _("corrected"), "deleted": _("deleted"), "refused": _("refused"), "read_back": _("read back"),
    "adopted": _("adopted"), "open": _("open orders"), "asked": _("asked"), "days_left": _("days left"),
    "checked": _("checked"), "differing": _("differing"), "missing": _("missing"), "fixed": _("fixed"),
    "listed": _("orders listed"), "fetched": _("orders fetched"), "changes": _("changes"),
    "unmatched_lines": _("lines 要確認"), "unmapped_payments": _("unmapped payment methods"),
    "confirmed": _("orders confirmed"), "confirm_refused": _("confirmations refused"), "ok": _("OK"),
    "error": _("errors"), "resolved": _("resolved"), "reminder_sent": _("reminder sent"),
    "awaiting_rms": _("waiting for RMS's answer"),
    "sent": _("messages sent"), "failed": _("messages failed"), "unknown": _("messages with unknown result"),
    "queued": _("messages queued"), "follow_up": _("follow-up messages queued"),
    "functions_off": _("RMS functions not enabled"), "resumed": _("resumed after a failure"),
    "searches": _("item searches"), "fresh_reads": _("fresh item reads"), "stock_reads": _("stock reads"),
    "gone_items": _("items gone"), "gone_variants": _("variants gone"), "items": _("items"),
    "variants": _("variants"), "blocked": _("blocked by the pre-flight check"),
}


def count_label(key: str) -> str:
    """The translated name of a count key; a key not known here is shown as stored."""
    label = COUNT_LABELS.get(key)
    return str(label) if label is not None else key


def count_rows(counts: dict) -> list[tuple[str, object]]:
    """The counts as (name, value) rows, in the order the job wrote them."""
    if not isinstance(counts, dict):
        return []
    return [(count_label(key), value) for key, value in counts.items()]
