"""Our own payment methods, which each marketplace's settlement codes are mapped to."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PaymentMethod(models.Model):
    """Our own payment methods (what accounting knows), mapped from each marketplace's codes."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("payment method")
        verbose_name_plural = _("payment methods")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name
