"""The order timeline: one row per step an order went through, with who made it (a person or a job) and when.

Written only through ``orders.timeline`` (by the functions that make the step, in the same transaction), read
by the order page newest first, merged there with the marketplace's changes (``OrderChange``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .order import Order


class EventKind(models.TextChoices):
    FETCHED = "fetched", _("Fetched from the marketplace")
    ALLOCATED = "allocated", _("Stock allocated")
    ATTENTION_RAISED = "attention_raised", _("Needs attention")
    ATTENTION_CLEARED = "attention_cleared", _("Attention cleared")
    CONFIRMED = "confirmed", _("Order confirmed in the marketplace")
    CHANGED = "changed", _("Changed in the marketplace")
    SHIPMENT_RECORDED = "shipment_recorded", _("Shipment recorded")
    SHIPMENT_CORRECTED = "shipment_corrected", _("Shipment corrected")
    SHIPMENT_DELETED = "shipment_deleted", _("Shipment deleted")
    SHIPMENT_REPORTED = "shipment_reported", _("Shipment reported to the marketplace")
    SHIPMENT_REFUSED = "shipment_refused", _("Shipment refused by the marketplace")
    SHIPPED = "shipped", _("Order shipped")
    MESSAGE_QUEUED = "message_queued", _("Buyer message queued")
    MESSAGE_SENT = "message_sent", _("Buyer message sent")
    MESSAGE_FAILED = "message_failed", _("Buyer message failed")
    CANCELLED = "cancelled", _("Order cancelled")
    SCANNED = "scanned", _("Item scanned (検品)")
    SCAN_REFUSED = "scan_refused", _("Wrong item scanned (検品)")


class OrderEvent(models.Model):
    """One step of one order. ``user`` is the staff member who made it; ``job`` the background job that did."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events", verbose_name=_("order"))
    at = models.DateTimeField(_("when"), default=timezone.now)
    kind = models.CharField(_("what"), max_length=30, choices=EventKind.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+", verbose_name=_("by"))
    job = models.CharField(_("job"), max_length=30, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    message = models.TextField(_("message"), blank=True)

    class Meta:
        verbose_name = _("order event")
        verbose_name_plural = _("order timeline")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["order", "at"], name="orderevent_order_at")]

    def __str__(self) -> str:
        return f"{self.order_id} {self.kind}"
