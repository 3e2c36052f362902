"""Tokens for the shop's other systems (tills, warehouse, spreadsheets) and the idempotency keys they send.

A token is a secret shown once; only its SHA-256 is stored (it is 256 random bits, so a plain hash is as good
as a slow one and costs nothing per request). Each token has a user of its own, inactive and without a
password, named ``api:<name>``: the ledger (``StockMovement.created_by``), the order timeline and the audit
trail (``LogEntry``) then name the token with the machinery they already have.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.secrets import SecretField


class Scope(models.TextChoices):
    STOCK_READ = "stock:read", _("read stock, products and SKUs")
    STOCK_WRITE = "stock:write", _("post stock movements and counts")
    ORDERS_READ = "orders:read", _("read orders")
    SHIPMENTS_WRITE = "shipments:write", _("post shipments")


NAME_RULE = RegexValidator(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,49}$",
                           _("Use 1–50 letters, digits, '.', '_' or '-' (e.g. till-shibuya)."))


class ApiToken(models.Model):
    name = models.CharField(_("name"), max_length=50, unique=True, validators=[NAME_RULE],
                            help_text=_("Who uses it, e.g. till-shibuya. It names the token's writes in the logs."))
    scopes = models.JSONField(_("scopes"), default=list)
    store = models.ForeignKey("inventory.Store", on_delete=models.PROTECT, null=True, blank=True,
                              verbose_name=_("only this store"),
                              help_text=_("Blank = every store. Set for a till: it can then touch only its store."))
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True, help_text=_("Blank = never."))
    prefix = models.CharField(_("token starts with"), max_length=12, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_token",
                                editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", editable=False, verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    last_used_ip = models.GenericIPAddressField(_("last caller address"), null=True, blank=True, editable=False)
    rate_limit = models.PositiveIntegerField(
        _("requests per minute"), null=True, blank=True,
        help_text=_("Blank = the default (setting API_RATE_LIMIT_PER_MINUTE)."))

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > timezone.now())


class IdempotencyRecord(models.Model):
    """What a keyed write did, so that a repeat answers the same and changes nothing.

    ``fingerprint`` is the SHA-256 of the item (or of the whole request, for an ``Idempotency-Key`` header) as
    sent: the same key with another body is refused (409). The unique constraint is what makes two
    concurrent repeats land once: the second insert waits for the first transaction and then fails.
    """

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=110)
    fingerprint = models.CharField(max_length=64)
    result = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [models.UniqueConstraint(fields=["token", "key"], name="idempotency_unique_per_token")]

    def __str__(self) -> str:
        return self.key


class HookEvent(models.TextChoices):
    ORDER_CREATED = "order.created", _("order.created: a new order came in")
    ORDER_CHANGED = "order.changed", _("order.changed: an order moved (state, stock, shipment, Rakuten's change)")
    ORDER_CANCELLED = "order.cancelled", _("order.cancelled")
    STOCK_LOW = "stock.low", _("stock.low: available fell under the threshold")
    SHIPMENT_REPORTED = "shipment.reported", _("shipment.reported: Rakuten accepted a parcel")
    SYNC_FAILED = "sync.failed", _("sync.failed: a job with Rakuten failed")


class WebhookEndpoint(models.Model):
    """Where events are posted. The secret signs each delivery; it is shown once and kept encrypted (to sign)."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    url = models.URLField(_("URL"), max_length=500)
    events = models.JSONField(_("events"), default=list)
    secret = SecretField(_("signing secret"), max_length=100, editable=False)
    active = models.BooleanField(_("active"), default=True)
    stock_low_below = models.PositiveIntegerField(
        _("stock.low under"), default=3,
        help_text=_("stock.low is sent when a SKU's available units in a store fall under this (unless the SKU "
                    "has its own threshold)."))
    alert_email = models.EmailField(_("alert address"), blank=True,
                                    help_text=_("Told when a delivery is given up after a day of retries."))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SkuStockThreshold(models.Model):
    """A SKU's own stock.low threshold (available units per store), instead of the endpoint's."""

    sku = models.OneToOneField("inventory.Sku", on_delete=models.CASCADE, related_name="+", verbose_name=_("SKU"))
    below = models.PositiveIntegerField(_("stock.low under"))

    class Meta:
        verbose_name = _("stock.low threshold")
        verbose_name_plural = _("stock.low thresholds")

    def __str__(self) -> str:
        return f"{self.sku_id} < {self.below}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("to send")
    DELIVERED = "delivered", _("delivered")
    DEAD = "dead", _("given up")


class WebhookDelivery(models.Model):
    """One event for one endpoint: the outbox row, written in the transaction of the event, then sent until 2xx."""

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries",
                                 verbose_name=_("endpoint"))
    event = models.CharField(_("event"), max_length=30)
    event_id = models.UUIDField(_("event id"), default=uuid.uuid4, editable=False)
    payload = models.JSONField(_("payload"))
    status = models.CharField(_("status"), max_length=10, choices=DeliveryStatus.choices,
                              default=DeliveryStatus.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    last_status = models.PositiveIntegerField(_("last HTTP status"), null=True, blank=True)
    last_response_ms = models.PositiveIntegerField(_("last response time (ms)"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    log = models.JSONField(_("attempts log"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint_id}"
