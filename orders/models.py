"""Orders as our back office sees them: marketplace-neutral, with the marketplace's raw data kept beside."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import EcAccount
from inventory.models import Sku, Store


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


class OrderState(models.TextChoices):
    NEW = "new", _("New")
    ALLOCATED = "allocated", _("Allocated")
    NEEDS_ATTENTION = "needs_attention", _("Needs attention")
    SHIPPED = "shipped", _("Shipped")
    CANCELLED = "cancelled", _("Cancelled")


class AttentionReason(models.TextChoices):
    """Why an order needs a person. Computed ones are re-derived on every change; sticky ones stay until checked."""

    UNMATCHED_LINE = "unmatched_line", _("Line matches no SKU (要確認)")
    SHORT_STOCK = "short_stock", _("Not enough stock (欠品)")
    UNMAPPED_PAYMENT = "unmapped_payment", _("Payment method not mapped")
    ORDER_CHANGED = "order_changed", _("Lines changed by the marketplace")
    CANCEL_PENDING = "cancel_pending", _("Cancellation pending")
    CANCELLED_AFTER_SHIPPING = "cancelled_after_shipping", _("Cancelled after shipping: check the return")


# Reasons that only a person can clear (admin action "Mark as checked").
STICKY_REASONS = frozenset({AttentionReason.ORDER_CHANGED, AttentionReason.CANCELLED_AFTER_SHIPPING})

class OrderProgress(models.IntegerChoices):
    """Rakuten orderProgress (rms-reference §2.1), stored as received.

    The choices document the known codes; they are not enforced on save, so a code Rakuten adds later is
    still stored, and shown as the bare number (``label_of`` gives "" for it).
    """

    AWAITING_CONFIRMATION = 100, _("注文確認待ち")
    RAKUTEN_PROCESSING = 200, _("楽天処理中")
    AWAITING_SHIPMENT = 300, _("発送待ち")
    AWAITING_CHANGE = 400, _("変更確定待ち")
    SHIPPED = 500, _("発送済")
    PAYMENT_IN_PROGRESS = 600, _("支払手続き中")
    PAYMENT_DONE = 700, _("支払手続き済")
    CANCEL_PENDING = 800, _("キャンセル確定待ち")
    CANCELLED = 900, _("キャンセル確定")

    @classmethod
    def final(cls) -> tuple[OrderProgress, ...]:
        """Statuses after which nothing changes any more (paid out, or cancelled)."""
        return (cls.PAYMENT_DONE, cls.CANCELLED)

    @classmethod
    def shipped(cls) -> tuple[OrderProgress, ...]:
        """Statuses in which the goods have left: shipped, and the payment steps after it."""
        return (cls.SHIPPED, cls.PAYMENT_IN_PROGRESS, cls.PAYMENT_DONE)

    @classmethod
    def label_of(cls, code: int) -> str:
        """The label of a known code; "" for one this list does not know."""
        try:
            return str(cls(code).label)
        except ValueError:
            return ""


FINAL_PROGRESS = OrderProgress.final()
SHIPPED_PROGRESS = OrderProgress.shipped()


class Order(models.Model):
    """One marketplace order. order_progress is stored as received; `state` is our own processing state."""

    account = models.ForeignKey(EcAccount, on_delete=models.PROTECT, related_name="orders", verbose_name=_("account"))
    order_number = models.CharField(_("order number"), max_length=40)
    order_progress = models.PositiveSmallIntegerField(_("Rakuten status"), choices=OrderProgress.choices,
                                                      db_index=True)
    sub_status_id = models.IntegerField(_("sub-status id"), null=True, blank=True)
    sub_status_name = models.CharField(_("sub-status"), max_length=100, blank=True)
    state = models.CharField(_("processing state"), max_length=20, choices=OrderState.choices, default=OrderState.NEW,
                             db_index=True)
    attention_reasons = models.JSONField(_("needs-attention reasons"), default=list, blank=True)

    ordered_at = models.DateTimeField(_("ordered at"), db_index=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    fixed_at = models.DateTimeField(_("fixed at"), null=True, blank=True)
    shipping_reported_at = models.DateTimeField(_("shipping completion reported at"), null=True, blank=True)

    buyer_name = models.CharField(_("buyer name"), max_length=100, blank=True, db_index=True)
    buyer_kana = models.CharField(_("buyer kana"), max_length=100, blank=True)
    buyer_email = models.CharField(_("buyer e-mail (masked)"), max_length=255, blank=True)
    buyer_phone = models.CharField(_("buyer phone"), max_length=40, blank=True, db_index=True)
    buyer_zip = models.CharField(_("buyer postcode"), max_length=10, blank=True)
    buyer_address = models.CharField(_("buyer address"), max_length=255, blank=True)

    settlement_method_code = models.IntegerField(_("settlement method code"), null=True, blank=True)
    settlement_method_name = models.CharField(_("settlement method"), max_length=100, blank=True)
    payment_method = models.ForeignKey(
        PaymentMethod, on_delete=models.PROTECT, null=True, blank=True, related_name="orders",
        verbose_name=_("payment method"),
    )

    goods_price = models.IntegerField(_("goods"), default=0)
    goods_tax = models.IntegerField(_("goods tax"), default=0)
    postage_price = models.IntegerField(_("postage"), default=0)
    delivery_price = models.IntegerField(_("COD fee"), default=0)
    payment_charge = models.IntegerField(_("payment charge"), default=0)
    coupon_total = models.IntegerField(_("coupons"), default=0)
    used_point = models.IntegerField(_("points used"), default=0)
    total_price = models.IntegerField(_("total"), default=0)
    request_price = models.IntegerField(_("billed amount"), default=0)
    tax_summary = models.JSONField(_("per-tax-rate summary"), default=list, blank=True)
    remarks = models.TextField(_("buyer remarks"), blank=True)

    raw = models.JSONField(_("raw order data"), default=dict, blank=True)
    content_hash = models.CharField(_("content hash"), max_length=64, blank=True)
    fetched_at = models.DateTimeField(_("first fetched at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-ordered_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["account", "order_number"], name="order_unique_per_account"),
        ]

    def __str__(self) -> str:
        return self.order_number

    @property
    def is_final(self) -> bool:
        """Rakuten statuses after which nothing changes any more (cancelled, or paid out)."""
        return self.order_progress in FINAL_PROGRESS

    @property
    def progress_label(self) -> str:
        label = OrderProgress.label_of(self.order_progress)
        return f"{self.order_progress} {label}".strip()


class OrderPackage(models.Model):
    """One Rakuten basket: a recipient and the lines shipped to them."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="packages", verbose_name=_("order"))
    basket_id = models.BigIntegerField(_("basket id"))
    recipient_name = models.CharField(_("recipient"), max_length=100, blank=True)
    recipient_kana = models.CharField(_("recipient kana"), max_length=100, blank=True)
    recipient_zip = models.CharField(_("postcode"), max_length=10, blank=True)
    recipient_address = models.CharField(_("address"), max_length=255, blank=True)
    recipient_phone = models.CharField(_("phone"), max_length=40, blank=True)
    postage_price = models.IntegerField(_("postage"), default=0)
    delivery_price = models.IntegerField(_("COD fee"), default=0)
    goods_price = models.IntegerField(_("goods"), default=0)
    total_price = models.IntegerField(_("total"), default=0)
    default_delivery_company = models.CharField(_("default carrier code"), max_length=8, blank=True)

    class Meta:
        verbose_name = _("package")
        verbose_name_plural = _("packages")
        constraints = [models.UniqueConstraint(fields=["order", "basket_id"], name="package_unique_basket")]

    def __str__(self) -> str:
        return f"{self.order.order_number} #{self.basket_id}"


class OrderLine(models.Model):
    """One item of a package; `sku` is None while no mapping matches (要確認), and the line is kept."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines", verbose_name=_("order"))
    package = models.ForeignKey(
        OrderPackage, on_delete=models.CASCADE, related_name="lines", null=True, blank=True, verbose_name=_("package")
    )
    item_detail_id = models.BigIntegerField(_("item detail id"))
    manage_number = models.CharField(_("item management number"), max_length=64, blank=True)
    item_number = models.CharField(_("item number"), max_length=128, blank=True)
    variant_id = models.CharField(_("SKU management number"), max_length=64, blank=True)
    merchant_defined_sku_id = models.CharField(_("system SKU number"), max_length=96, blank=True)
    sku_info = models.TextField(_("SKU info"), blank=True)
    selected_choice = models.TextField(_("selected options"), blank=True)
    name = models.CharField(_("item name"), max_length=255)
    price = models.IntegerField(_("unit price"))
    units = models.PositiveIntegerField(_("units"))
    tax_rate = models.DecimalField(_("tax rate"), max_digits=4, decimal_places=3, default=0)
    sku = models.ForeignKey(
        Sku, on_delete=models.PROTECT, null=True, blank=True, related_name="order_lines", verbose_name=_("SKU")
    )
    allocated_units = models.PositiveIntegerField(_("allocated units"), default=0)
    needs_attention = models.BooleanField(_("needs attention"), default=False)
    # The marketplace deleted the line (or its package) after intake: it is kept for history, holds no stock.
    removed = models.BooleanField(_("removed by the marketplace"), default=False)

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["order", "item_detail_id"], name="line_unique_detail")]

    def __str__(self) -> str:
        return f"{self.name} × {self.units}"


class OrderChange(models.Model):
    """What changed between two fetches of an order: never a silent overwrite."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="changes", verbose_name=_("order"))
    field = models.CharField(_("what"), max_length=100)
    old_value = models.TextField(_("old"), blank=True)
    new_value = models.TextField(_("new"), blank=True)
    changed_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("order change")
        verbose_name_plural = _("order changes")
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.field}: {self.old_value} → {self.new_value}"


class Shipment(models.Model):
    """A parcel we sent for one package; reported to the marketplace once."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="shipments", verbose_name=_("order"))
    package = models.ForeignKey(OrderPackage, on_delete=models.CASCADE, related_name="shipments",
                                verbose_name=_("package"))
    delivery_company = models.CharField(_("carrier code"), max_length=8)
    tracking_number = models.CharField(_("tracking number"), max_length=120, blank=True)
    shipped_on = models.DateField(_("shipped on"))
    store = models.ForeignKey(Store, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("shipped from"))
    external_id = models.CharField(_("marketplace shipping id"), max_length=40, blank=True)
    reported_at = models.DateTimeField(_("reported at"), null=True, blank=True)
    report_error = models.TextField(_("report error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.delivery_company} {self.tracking_number}"


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
