"""Orders as our back office sees them: marketplace-neutral, with the marketplace's raw data kept beside."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from accounts.models import EcAccount
from inventory.models import Sku

from .change_text import describe
from .choices import FINAL_PROGRESS, OrderProgress, OrderState
from .payment import PaymentMethod
from .search_keys import NumberTail, PhoneDigits


class Order(models.Model):
    """One marketplace order. order_progress is stored as received; `state` is our own processing state."""

    # Filled only by the order list's Prefetch(to_attr=...) of the lines it shows.
    listed_lines: list[OrderLine]

    account = models.ForeignKey(EcAccount, on_delete=models.PROTECT, related_name="orders", verbose_name=_("account"))
    order_number = models.CharField(_("order number"), max_length=40)
    order_progress = models.PositiveSmallIntegerField(_("Rakuten status"), choices=OrderProgress.choices,
                                                      db_index=True)
    sub_status_id = models.IntegerField(_("sub-status id"), null=True, blank=True)
    sub_status_name = models.CharField(_("sub-status"), max_length=100, blank=True)
    state = models.CharField(_("processing state"), max_length=20, choices=OrderState.choices, default=OrderState.NEW,
                             db_index=True)
    attention_reasons = models.JSONField(_("needs-attention reasons"), default=list, blank=True)

    ordered_at = models.DateTimeField(_("ordered at"))  # indexed with id: the list's order
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    fixed_at = models.DateTimeField(_("fixed at"), null=True, blank=True)
    shipping_reported_at = models.DateTimeField(_("shipping completion reported at"), null=True, blank=True)

    buyer_name = models.CharField(_("buyer name"), max_length=100, blank=True)
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
    # A cheaper fingerprint of the same raw data (not canonical: key order counts), which the open-order refresh
    # compares before anything else; "" for orders stored before it existed.
    raw_digest = models.CharField(_("raw data digest"), max_length=32, blank=True, default="")
    fetched_at = models.DateTimeField(_("first fetched at"), auto_now_add=True)
    # Set whenever the order is read from the marketplace (fetch, refresh, manual fetch), changed or not:
    # the open-orders refresh takes the least recently refreshed first (NULL first), so none starves.
    refreshed_at = models.DateTimeField(_("last refreshed at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # (state, attention reasons) as last read or written; None for an order not stored yet (see from_db).
    stored_state: tuple | None = None

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-ordered_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["account", "order_number"], name="order_unique_per_account"),
        ]
        # What the order list sorts and searches by (orders/search.py); the search asks for these very
        # expressions. PostgreSQL also gets trigram indexes on the compact name and kana (migration
        # order_list_search_indexes).
        indexes = [
            models.Index(fields=["ordered_at", "id"], name="order_ordered_at_id"),
            models.Index(fields=["order_number"], name="order_number"),
            models.Index(NumberTail("order_number"), name="order_number_tail"),
            models.Index(PhoneDigits("buyer_phone"), name="order_phone_digits"),
            models.Index(Lower("buyer_email"), name="order_email_lower"),
            # SQLite's name search reads this index instead of the table (orders/search.py).
            models.Index(fields=["buyer_name", "buyer_kana", "ordered_at", "id"], name="order_buyer_names"),
            # The open-order refresh's queue (rakuten_link/sync/orders/refresh_cursor.py): open orders only, in
            # the order it walks them, so a run reads its 6,000 without sorting a shop's every order; with the
            # status, SQLite counts the open orders from the index alone.
            models.Index(fields=["account", "ordered_at", "id", "order_progress"],
                         name="order_refresh_queue", condition=~models.Q(order_progress__in=FINAL_PROGRESS)),
        ]

    def __str__(self) -> str:
        return self.order_number

    @classmethod
    def from_db(cls, db: str | None, field_names: Collection[str], values: Collection[Any],
                **kwargs: Any) -> Order:
        """Remember the state and reasons as read, so the timeline can tell what a transition changed."""
        order = super().from_db(db, field_names, values, **kwargs)
        if "state" in order.__dict__ and "attention_reasons" in order.__dict__:
            order.stored_state = (order.state, tuple(order.attention_reasons))
        return order

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
    shipped_units = models.PositiveIntegerField(_("shipped units"), default=0)
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
        return describe(self.field, self.old_value, self.new_value)
