"""Parcels we sent, and what the marketplace was told about them."""

from __future__ import annotations

import re
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from inventory.models import Store

from .order import Order, OrderPackage

MAX_SHIPMENTS_PER_PACKAGE = 20  # RMS refuses a 21st shipping row per basket (docs/rms.md §2.5)
MAX_TRACKING_NUMBER = 120  # RMS's shippingNumber limit (docs/rms.md §2.5)
UNKNOWN_REQUEST = "?"  # Shipment.report_request of a batch submitted whose answer (and request id) was lost


# What carriers issue: letters, digits and hyphens. Anything else (a space, "=", "@", "+", a quote) is a typo
# at best, and at worst a spreadsheet formula that RMS and our exports would carry to someone's Excel.
_TRACKING_NUMBER = re.compile(rf"[A-Za-z0-9-]{{1,{MAX_TRACKING_NUMBER}}}")
# Dashes a Japanese keyboard types for "-" that NFKC leaves alone (ー after a digit is the usual one).
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u30fc", "-"))


def normalize_tracking_number(value: str | None) -> str:
    """Full-width digits, letters and hyphens as carriers print them, surrounding spaces dropped."""
    return unicodedata.normalize("NFKC", value or "").translate(_DASHES).strip()


def validate_tracking_number(value: str) -> None:
    """The field's validator; an empty number is allowed (bulk 発送 records the parcel, the CSV fills it in)."""
    if value and not _TRACKING_NUMBER.fullmatch(value):
        shown = value if len(value) <= 40 else f"{value[:40]}…"
        raise ValidationError(
            _("The tracking number “%(value)s” cannot be used: only letters, digits and hyphens (-), at most "
              "%(max)d characters."), code="tracking_number", params={"value": shown, "max": MAX_TRACKING_NUMBER})


class ReportState(models.TextChoices):
    """Where a shipment stands with the marketplace; orders.shipping and the report job are its writers."""

    PENDING = "pending", _("To report")
    SENDING = "sending", _("Being reported")  # a call is (or was, when a worker died) in flight: read back first
    REPORTED = "reported", _("Reported")
    ERROR = "error", _("Refused by the marketplace")


# Not (yet) known to the marketplace: to report, in flight, or refused. The dashboard counts these and the
# shipment list's 未連絡 filter shows them.
NOT_REPORTED = (ReportState.PENDING, ReportState.SENDING, ReportState.ERROR)


class Shipment(models.Model):
    """A parcel we sent for one package; reported to the marketplace exactly once, corrections as updates.

    ``external_id`` is the marketplace's id of the row (Rakuten's shippingDetailId) once it has one; a change
    of carrier, number or date after that is sent as an update of that row, a deletion as its delete flag.
    """

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="shipments", verbose_name=_("order"))
    package = models.ForeignKey(OrderPackage, on_delete=models.CASCADE, related_name="shipments",
                                verbose_name=_("package"))
    delivery_company = models.CharField(_("carrier code"), max_length=8)
    tracking_number = models.CharField(_("tracking number"), max_length=MAX_TRACKING_NUMBER, blank=True,
                                       validators=[validate_tracking_number])
    shipped_on = models.DateField(_("shipped on"))
    store = models.ForeignKey(Store, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("shipped from"))
    external_id = models.CharField(_("marketplace shipping id"), max_length=40, blank=True)
    report_state = models.CharField(_("report"), max_length=10, choices=ReportState.choices,
                                    default=ReportState.PENDING, db_index=True)
    deleted = models.BooleanField(_("deleted"), default=False,
                                  help_text=_("Deleted here; the marketplace is told, then the row stays as history."))
    # What the marketplace last accepted (carrier, number, date): a difference means a correction to send.
    reported_values = models.JSONField(_("reported values"), default=dict, blank=True)
    reported_at = models.DateTimeField(_("reported at"), null=True, blank=True)
    report_error = models.TextField(_("report error"), blank=True)
    report_attempts = models.PositiveSmallIntegerField(_("report attempts"), default=0)
    # While 'sending' in a batch (Rakuten's updateOrderShippingAsync): the marketplace's request id, whose
    # results are read before anything is sent again; UNKNOWN_REQUEST when the answer naming it was lost.
    report_request = models.CharField(_("marketplace batch request"), max_length=64, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   verbose_name=_("by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        ordering = ["package_id", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.delivery_company} {self.tracking_number}".strip()

    @property
    def values(self) -> dict[str, str]:
        """The three things the marketplace is told, as it is told them."""
        return {"delivery_company": self.delivery_company, "tracking_number": self.tracking_number,
                "shipped_on": self.shipped_on.isoformat() if self.shipped_on else ""}

    @property
    def needs_report(self) -> bool:
        if self.deleted:
            return bool(self.external_id)
        return not self.external_id or self.values != self.reported_values
