"""How a sync run's stored texts and counts are shown: RMS errors framed in a translated sentence, counts named.

The RMS client (rakuten_link/rms/) is Django-free, so its errors are English sentences built around what
RMS itself said; a failed run stores that text as its summary and error. They are re-framed here, when
shown, in a sentence of the staff's language, with RMS's own message (codes and text) kept verbatim.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

# The shapes of rakuten_link/rms/errors.py and transport.py, most specific first.
_FRAMES = (
    (re.compile(r"^RMS (?P<function>\S+) failed \(HTTP (?P<status>\d+)\): (?P<detail>.*)$", re.S),
     _("RMS %(function)s failed (HTTP %(status)s): %(detail)s")),
    (re.compile(r"^RMS (?P<function>\S+): unreadable response \(HTTP (?P<status>\d+)\)$", re.S),
     _("RMS %(function)s returned a response that could not be read (HTTP %(status)s).")),
    (re.compile(r"^RMS (?P<function>\S+): request failed \((?P<detail>[^)]*)\)$", re.S),
     _("The request to RMS %(function)s failed (%(detail)s).")),
    (re.compile(r"^RMS (?P<function>[^\s:]+): (?P<detail>.*)$", re.S),
     _("RMS %(function)s: %(detail)s")),
)

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
}


def framed(text: str) -> str:
    """A stored RMS error in a translated sentence; any other text (ours, already translated) as it is."""
    for pattern, sentence in _FRAMES:
        match = pattern.match(text or "")
        if match:
            return str(sentence) % match.groupdict()
    return text


def count_label(key: str) -> str:
    """The translated name of a count key; a key not known here is shown as stored."""
    label = COUNT_LABELS.get(key)
    return str(label) if label is not None else key


def count_rows(counts: dict) -> list[tuple[str, object]]:
    """The counts as (name, value) rows, in the order the job wrote them."""
    if not isinstance(counts, dict):
        return []
    return [(count_label(key), value) for key, value in counts.items()]
