"""Buyer messages: templates shared by the accounts, and the outbox (one message per order and event).

The outbox row is the only record of what a buyer was (or will be) sent; ``orders.outbox`` is its only
writer of ``status``, so the rules (held for approval, never re-sent after an unknown outcome) live there.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from orders.messages import unknown_placeholders_error

from .order import Order


class MessageEvent(models.TextChoices):
    NEW_ORDER = "new_order", _("Order received")
    SHIPPED = "shipped", _("Shipped")
    CANCELLED = "cancelled", _("Cancelled")
    FOLLOW_UP = "follow_up", _("Follow-up")


class MessageStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    HELD = "held", _("Held for approval")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    UNKNOWN = "unknown", _("Send result unknown")


class MailTemplate(models.Model):
    """A buyer-message template; each account picks one per event. Placeholders: see orders.messages."""

    name = models.CharField(_("template name"), max_length=100, unique=True)
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("body"))

    class Meta:
        verbose_name = _("mail template")
        verbose_name_plural = _("mail templates")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """Refuse a placeholder outside the fixed set, so a typo is found when saving, not in a buyer's mail."""
        errors = {name: error for name in ("subject", "body")
                  if (error := unknown_placeholders_error(getattr(self, name) or "")) is not None}
        if errors:
            raise ValidationError(errors)


class BuyerMessage(models.Model):
    """One message to the buyer of an order for one event, rendered when queued; sent at most once."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="buyer_messages",
                              verbose_name=_("order"))
    event = models.CharField(_("event"), max_length=20, choices=MessageEvent.choices)
    status = models.CharField(_("status"), max_length=10, choices=MessageStatus.choices,
                              default=MessageStatus.QUEUED, db_index=True)
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("body"))
    recipient = models.CharField(_("recipient (masked)"), max_length=255)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    sending_since = models.DateTimeField(_("sending since"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("buyer message")
        verbose_name_plural = _("buyer messages")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["order", "event"], name="buyermessage_one_per_event")]

    def __str__(self) -> str:
        return f"{self.order} / {self.get_event_display()}"
