"""Everything that speaks RMS keeps its state here: job runs, API calls, leases and cursors."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import EcAccount
from rakuten_link.wording import function_label


class JobKind(models.TextChoices):
    ORDERS = "orders", _("Fetch orders")
    OPEN_ORDERS = "open-orders", _("Refresh open orders")
    INVENTORY = "inventory", _("Push inventory")
    SHIPMENTS = "shipments", _("Report shipments")
    MESSAGES = "messages", _("Send buyer messages")
    MAPPINGS = "mappings", _("Verify mappings")
    LICENSE = "license", _("Check licenseKey")
    CATALOGUE = "catalogue", _("Pull the catalogue")
    PRICES = "prices", _("Push prices")


class RunStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    SUCCESS = "success", _("Succeeded")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Skipped")


class SyncRun(models.Model):
    """One run of one job for one account: what it did, or why it failed."""

    account = models.ForeignKey(
        EcAccount, on_delete=models.CASCADE, related_name="sync_runs", verbose_name=_("account")
    )
    kind = models.CharField(_("job"), max_length=20, choices=JobKind.choices)
    status = models.CharField(_("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.RUNNING)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("sync run")
        verbose_name_plural = _("sync runs")
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["account", "kind", "-started_at"])]

    def __str__(self) -> str:
        return f"{self.account} {self.get_kind_display()} {self.started_at:%Y-%m-%d %H:%M:%S}"

    @property
    def duration_seconds(self) -> float | None:
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()


class ApiCall(models.Model):
    """One HTTP attempt against RMS. Never holds credentials, query strings, bodies or personal data."""

    account = models.ForeignKey(
        EcAccount, on_delete=models.CASCADE, related_name="api_calls", verbose_name=_("account")
    )
    sync_run = models.ForeignKey(
        SyncRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="api_calls", verbose_name=_("sync run")
    )
    function = models.CharField(_("function"), max_length=60)
    method = models.CharField(_("method"), max_length=8)
    path = models.CharField(_("path"), max_length=255)
    http_status = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    error_code = models.CharField(_("RMS error code"), max_length=80, blank=True)
    error_class = models.CharField(_("error class"), max_length=40, blank=True)
    attempt = models.PositiveSmallIntegerField(_("attempt"), default=1)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    created_at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("API call")
        verbose_name_plural = _("API calls")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{function_label(self.function)} {self.http_status or '-'}"


class JobLease(models.Model):
    """At most one holder per (account, job); an expired lease (crashed holder) can be taken over."""

    account = models.ForeignKey(EcAccount, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=JobKind.choices)
    holder = models.CharField(max_length=64)
    expires_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "kind"], name="joblease_one_per_account_kind")]

    def __str__(self) -> str:
        return f"{self.account_id}/{self.kind} until {self.expires_at}"


class SyncCursor(models.Model):
    """Where an incremental job resumes: advanced only after the work before it is committed."""

    account = models.ForeignKey(EcAccount, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=JobKind.choices)
    position = models.DateTimeField()
    # A job that walks rows in (time, id) order keeps the id too, so rows sharing a second are neither skipped
    # nor asked twice (the open-order refresh); with the time its current pass over them began.
    position_id = models.BigIntegerField(null=True, blank=True)
    lap_started_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "kind"], name="synccursor_one_per_account_kind")]

    def __str__(self) -> str:
        return f"{self.account_id}/{self.kind} @ {self.position}"


class AlertLog(models.Model):
    """Alerts sent to staff, so a recurring problem mails once an hour, not once a minute."""

    account = models.ForeignKey(EcAccount, on_delete=models.CASCADE, related_name="+", verbose_name=_("account"))
    kind = models.CharField(_("kind"), max_length=40)
    subject = models.CharField(_("subject"), max_length=255)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return self.subject


class OpenAlert(models.Model):
    """An alert whose problem has not been seen to end; its recovery sends one "resolved" mail (alerts/)."""

    account = models.ForeignKey(EcAccount, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=40)
    opened_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "kind"], name="openalert_one_per_account_kind")]

    def __str__(self) -> str:
        return f"{self.account_id}/{self.kind} since {self.opened_at}"


class MappingStatus(models.TextChoices):
    UNCHECKED = "unchecked", _("Unchecked")
    OK = "ok", _("OK")
    ERROR = "error", _("Error")


class ProductMapping(models.Model):
    """One Rakuten SKU (商品管理番号 + SKU管理番号) sold as one of our SKUs.

    Pre-SKU-migration products are given by 横軸/縦軸 choice names instead; verification resolves
    their variant_id from the item's variantSelectors, and records every verified variant's choices.
    """

    account = models.ForeignKey(EcAccount, on_delete=models.CASCADE, related_name="product_mappings",
                                verbose_name=_("account"))
    manage_number = models.CharField(_("item management number"), max_length=32)
    variant_id = models.CharField(_("SKU management number"), max_length=32, blank=True)
    merchant_defined_sku_id = models.CharField(_("system SKU number"), max_length=96, blank=True)
    legacy_h_choice = models.CharField(_("horizontal choice (legacy)"), max_length=100, blank=True)
    legacy_v_choice = models.CharField(_("vertical choice (legacy)"), max_length=100, blank=True)
    sku = models.ForeignKey("inventory.Sku", on_delete=models.PROTECT, related_name="rakuten_mappings",
                            verbose_name=_("our SKU"))
    safety_stock = models.PositiveIntegerField(
        _("safety stock"), null=True, blank=True, help_text=_("Blank = the account's default.")
    )
    status = models.CharField(_("status"), max_length=10, choices=MappingStatus.choices,
                              default=MappingStatus.UNCHECKED, db_index=True)
    status_message = models.CharField(_("status message"), max_length=500, blank=True)
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True, db_index=True)
    # {selector displayName: displayValue} of the variant as last verified ({} = an item without
    # selectors, None = not known): lets pre-SKU order lines, which carry only choice names, match.
    variant_choices = models.JSONField(_("choices of the SKU (last verification)"), null=True, blank=True,
                                       default=None)
    last_pushed_quantity = models.IntegerField(_("last pushed quantity"), null=True, blank=True)
    last_pushed_at = models.DateTimeField(_("last pushed at"), null=True, blank=True)
    rakuten_quantity = models.IntegerField(_("quantity on Rakuten (last read)"), null=True, blank=True)
    rakuten_read_at = models.DateTimeField(_("read from Rakuten at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("product mapping")
        verbose_name_plural = _("product mappings")
        ordering = ["account", "manage_number", "variant_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "manage_number", "variant_id"], condition=~models.Q(variant_id=""),
                name="mapping_unique_variant",
            ),
            models.UniqueConstraint(
                fields=["account", "manage_number", "legacy_h_choice", "legacy_v_choice"],
                condition=models.Q(variant_id=""), name="mapping_unique_legacy_choice",
            ),
        ]
        # 2nd: the mapping list's order (the unique constraints above are partial, so none gave it); 3rd: the
        # every-minute push's "edited since its last run" (sync/inventory/changes.py).
        indexes = [models.Index(fields=["account", "sku"]),
                   models.Index(fields=["account", "manage_number", "variant_id", "id"], name="mapping_list_order"),
                   models.Index(fields=["account", "updated_at"], name="mapping_account_updated")]

    def __str__(self) -> str:
        return f"{self.manage_number}/{self.variant_id or self.legacy_h_choice + '×' + self.legacy_v_choice}"


class PaymentMethodMapping(models.Model):
    """Rakuten settlementMethodCode → our PaymentMethod, per account."""

    account = models.ForeignKey(EcAccount, on_delete=models.CASCADE, related_name="payment_mappings",
                                verbose_name=_("account"))
    settlement_method_code = models.PositiveIntegerField(_("Rakuten settlement method code"))
    payment_method = models.ForeignKey("orders.PaymentMethod", on_delete=models.PROTECT, related_name="+",
                                       verbose_name=_("our payment method"))

    class Meta:
        verbose_name = _("payment method mapping")
        verbose_name_plural = _("payment method mappings")
        ordering = ["account", "settlement_method_code"]
        constraints = [
            models.UniqueConstraint(fields=["account", "settlement_method_code"], name="paymentmapping_unique_code"),
        ]

    def __str__(self) -> str:
        return f"{self.settlement_method_code} → {self.payment_method_id}"


# Listings, the catalogue, the stock push's rows… live in their own modules; importing them here makes them
# models of this app.
from rakuten_link.assistant.models import MappingProposal, MatchingRun, RejectedPair  # noqa: E402, F401
from rakuten_link.catalogue.models import CatalogueItem, CataloguePull, CatalogueVariant  # noqa: E402, F401
from rakuten_link.functions.models import ApiFunctionCheck  # noqa: E402, F401
from rakuten_link.listing.models import Listing, ListingStatus, ListingTemplate  # noqa: E402, F401
from rakuten_link.shipping.label_settings import LabelSettings  # noqa: E402, F401
from rakuten_link.stock_push_models import DriftReport, InventoryPushClaim, PendingInventoryPush  # noqa: E402, F401
