"""Tokens for the shop's other systems (tills, warehouse, spreadsheets) and the idempotency keys they send.

A token is a secret shown once; only its SHA-256 is stored (it is 256 random bits, so a plain hash is as good
as a slow one and costs nothing per request). Each token has a user of its own, inactive and without a
password, named ``api:<name>``: the ledger (``StockMovement.created_by``), the order timeline and the audit
trail (``LogEntry``) then name the token with the machinery they already have.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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
        constraints = [models.UniqueConstraint(fields=["token", "key"], name="idempotency_unique_per_token")]

    def __str__(self) -> str:
        return self.key
