"""The kinds of staff alert, their Japanese labels, and which of them stay open until a recovery is seen.

``AlertLog.kind`` stores the plain string, so kinds written before this list existed keep working: the
licence reminders are stored per threshold (``license_reminder_30``) and a recovery mail as the alert's
kind plus ``_resolved``; ``label_of`` reads them all.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

LICENSE_REMINDER_PREFIX = "license_reminder_"
RESOLVED_SUFFIX = "_resolved"


class AlertKind(models.TextChoices):
    JOB_FAILED = "job_failed", gettext_lazy("Job failed")
    ORDER_FETCH_FAILED = "order_fetch_failed", gettext_lazy("Order fetch failed")
    JOB_INTERRUPTED = "job_interrupted", gettext_lazy("Job run interrupted")
    JOB_ABANDONED = "job_abandoned", gettext_lazy("Job run abandoned")
    AUTH_FAILURE = "auth_failure", gettext_lazy("RMS authentication failed")
    LICENSE_REMINDER = "license_reminder", gettext_lazy("licenseKey expiry reminder")
    UNMATCHED_LINES = "order_unmatched_lines", gettext_lazy("Order lines without a SKU")
    UNMAPPED_PAYMENT = "order_unmapped_payment", gettext_lazy("Unmapped payment method")
    SHIPMENT_REFUSED = "shipment_refused", gettext_lazy("Shipping report refused")
    MESSAGE_REFUSED = "message_refused", gettext_lazy("Buyer message refused")
    SILENT_ORDERS = "silent_orders", gettext_lazy("No order fetch succeeded")
    SILENT_STOCK = "silent_stock", gettext_lazy("Stock changes not reaching Rakuten")
    SILENT_MESSAGES = "silent_messages", gettext_lazy("Buyer messages stuck in the queue")


# Kinds whose problem lasts until something is seen to work again: sending one opens an OpenAlert, and the
# minute check (alerts/silence.py, alerts/recovery.py) mails one "resolved" when it ends. Every kind here
# must have a check there (a test enforces it); the others (reminders, interrupted runs) are one-off events.
RESOLVABLE = frozenset({
    AlertKind.SILENT_ORDERS, AlertKind.SILENT_STOCK, AlertKind.SILENT_MESSAGES,
    AlertKind.ORDER_FETCH_FAILED, AlertKind.AUTH_FAILURE, AlertKind.SHIPMENT_REFUSED,
})


def base_kind(kind: str) -> str:
    """The AlertKind value a stored kind belongs to: ``license_reminder_7`` → ``license_reminder``."""
    kind = kind.removesuffix(RESOLVED_SUFFIX)
    if kind.startswith(LICENSE_REMINDER_PREFIX):
        return AlertKind.LICENSE_REMINDER.value
    return kind


def label_of(kind: str) -> str:
    """The translated label of a stored kind; an unknown kind is shown as it is stored."""
    resolved = kind.endswith(RESOLVED_SUFFIX)
    plain = kind.removesuffix(RESOLVED_SUFFIX)
    try:
        label = str(AlertKind(base_kind(plain)).label)
    except ValueError:
        label = plain
    days = plain.removeprefix(LICENSE_REMINDER_PREFIX)
    if plain.startswith(LICENSE_REMINDER_PREFIX) and days.isdigit():
        label = _("licenseKey expiry reminder (%(days)s days before)") % {"days": days}
    return _("Resolved: %(label)s") % {"label": label} if resolved else label
