"""Buyer-message templates."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import EcAccount


class MailEvent(models.TextChoices):
    ORDER_CONFIRMED = "order_confirmed", _("Order confirmed")
    SHIPPED = "shipped", _("Shipped")
    CANCELLED = "cancelled", _("Cancelled")
    OUT_OF_STOCK = "out_of_stock", _("Out of stock")


class MailTemplate(models.Model):
    """A buyer-message template per account and event; {order_number}, {buyer_name}… are filled in."""

    account = models.ForeignKey(EcAccount, on_delete=models.CASCADE, related_name="mail_templates",
                                verbose_name=_("account"))
    event = models.CharField(_("event"), max_length=30, choices=MailEvent.choices)
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("body"))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("buyer message template")
        verbose_name_plural = _("buyer message templates")
        constraints = [models.UniqueConstraint(fields=["account", "event"], name="mailtemplate_one_per_event")]

    def __str__(self) -> str:
        return f"{self.account} / {self.get_event_display()}"
