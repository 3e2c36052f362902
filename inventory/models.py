"""Stores, products, SKUs and the stock ledger. Knows nothing of Rakuten."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Store(models.Model):
    """A physical shop or warehouse whose stock can be sold online."""

    code = models.CharField(_("store code"), max_length=32, unique=True)
    name = models.CharField(_("store name"), max_length=100)

    class Meta:
        verbose_name = _("store")
        verbose_name_plural = _("stores")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Product(models.Model):
    code = models.CharField(_("product code"), max_length=64, unique=True)
    name = models.CharField(_("product name"), max_length=255)
    # One price for all SKUs of a product (yen, tax included): the marketplaces list a product at one
    # price, and a per-SKU price can be added later without changing what listings read (Product.price).
    price = models.PositiveIntegerField(
        _("price (yen, tax included)"), null=True, blank=True, help_text=_("Blank = not set; needed to list it.")
    )

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Sku(models.Model):
    """The unit we count and sell: one size/colour of a product."""

    code = models.CharField(_("SKU code"), max_length=64, unique=True)
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="skus", verbose_name=_("product"))
    name = models.CharField(_("SKU name"), max_length=255)
    jan_code = models.CharField(_("JAN code"), max_length=13, blank=True)
    # What tells this SKU from its siblings, as the buyer reads it: {"サイズ": "M", "カラー": "ブラック"}.
    # Marketplace listings turn these into their variant selectors.
    options = models.JSONField(
        _("options"), default=dict, blank=True,
        help_text=_('Attribute name → value, e.g. {"サイズ": "M", "カラー": "ブラック"}.'),
    )

    class Meta:
        verbose_name = _("SKU")
        verbose_name_plural = _("SKUs")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def clean(self) -> None:
        """Options must be a flat object of text → text: each becomes a selector and its value."""
        options = self.options
        if options in (None, ""):
            self.options = {}
            return
        if not isinstance(options, dict) or not all(
            isinstance(k, str) and k.strip() and isinstance(v, str) and v.strip() for k, v in options.items()
        ):
            raise ValidationError({"options": _(
                'Options must be an object of names and values, both text, e.g. {"サイズ": "M"}. Correct it and '
                "save again."
            )})


class StockLevel(models.Model):
    """One SKU in one store: the physical count and what open orders hold of it.

    ``on_hand`` is what is on the shelf (adjustments, POS sales, stocktakes and shipments change it);
    ``allocated`` is what open orders hold (allocation and release change it; a shipment lowers both).
    Available = on_hand − allocated. Only inventory.services writes either field.
    """

    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="stock_levels", verbose_name=_("store"))
    sku = models.ForeignKey(Sku, on_delete=models.PROTECT, related_name="stock_levels", verbose_name=_("SKU"))
    on_hand = models.IntegerField(_("on hand"), default=0)
    allocated = models.IntegerField(_("allocated"), default=0)
    # 棚番: where the SKU sits in this store; the picking list walks the shelves in this order.
    location = models.CharField(_("location (棚番)"), max_length=32, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("stock level")
        verbose_name_plural = _("stock levels")
        ordering = ["store__code", "sku__code"]
        constraints = [
            models.UniqueConstraint(fields=["store", "sku"], name="stocklevel_unique_store_sku"),
            models.CheckConstraint(condition=models.Q(on_hand__gte=0), name="stocklevel_on_hand_not_negative"),
            models.CheckConstraint(condition=models.Q(allocated__gte=0), name="stocklevel_allocated_not_negative"),
        ]
        # The every-minute inventory push looks up the rows written since its last run (rakuten_link).
        indexes = [models.Index(fields=["updated_at"], name="stocklevel_updated_at")]

    def __str__(self) -> str:
        return f"{self.store.code} / {self.sku.code}: {self.on_hand} ({self.allocated})"

    @property
    def available(self) -> int:
        return self.on_hand - self.allocated


class MovementKind(models.TextChoices):
    ADJUSTMENT = "adjustment", _("Adjustment")
    POS_SALE = "pos_sale", _("POS sale")
    POS_RETURN = "pos_return", _("POS return")
    RECEIPT = "receipt", _("Receipt")
    ORDER_ALLOCATION = "order_allocation", _("Order allocation")
    ORDER_RELEASE = "order_release", _("Order release")
    ORDER_SHIPMENT = "order_shipment", _("Order shipment")
    CSV_IMPORT = "csv_import", _("CSV import")


class StockMovement(models.Model):
    """One change of a stock level: the ledger that explains every stock number.

    ``quantity`` is the signed change of on_hand, ``allocated_change`` that of allocated: an allocation
    is (0, +n), a release (0, −n), a shipment (−n, −n), a count or sale (±n, 0).
    """

    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="movements", verbose_name=_("store"))
    sku = models.ForeignKey(Sku, on_delete=models.PROTECT, related_name="movements", verbose_name=_("SKU"))
    kind = models.CharField(_("kind"), max_length=32, choices=MovementKind.choices)
    quantity = models.IntegerField(_("quantity"), help_text=_("Signed change of on hand: negative takes stock out."))
    on_hand_after = models.IntegerField(_("on hand after"))
    allocated_change = models.IntegerField(_("allocated change"), default=0)
    allocated_after = models.IntegerField(_("allocated after"), default=0)
    reference = models.CharField(_("reference"), max_length=100, blank=True, db_index=True)
    # Makes retried operations (an order fetched twice) land once: the database refuses a second row.
    idempotency_key = models.CharField(_("idempotency key"), max_length=100, null=True, blank=True, unique=True)
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("by")
    )
    created_at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.store.code}/{self.sku.code} {self.quantity:+d}"


class UploadJobStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting for a worker")
    RUNNING = "running", _("In progress")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class UploadJob(models.Model):
    """A big CSV upload checked (phase "check") or written (phase "write") by a worker: see inventory/upload_jobs.py.

    The file waits in lib.uploads.PreviewStore under ``token``; the report (first errors, counts per column,
    preview rows, counts) is kept as JSON for the page that shows it.
    """

    kind = models.CharField(_("kind"), max_length=20)
    handler = models.CharField(max_length=200)  # dotted path of the import function (apps above inventory)
    phase = models.CharField(max_length=10)
    token = models.CharField(max_length=32)
    account_id = models.IntegerField(default=0)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=UploadJobStatus.choices,
                              default=UploadJobStatus.QUEUED)
    checked = models.PositiveIntegerField(default=0)
    written = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    acknowledged = models.BooleanField(default=False)
    language = models.CharField(max_length=10, default="ja")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("CSV upload job")
        verbose_name_plural = _("CSV upload jobs")

    def __str__(self) -> str:
        return f"{self.kind} {self.phase} #{self.pk}"
