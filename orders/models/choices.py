"""The states and codes an order carries: our processing state, attention reasons, Rakuten's orderProgress."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


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
    TAX_MISMATCH = "tax_mismatch", _("tax summary differs from RMS (check the rounding setting)")


# Reasons that only a person can clear (admin action "Mark as checked").
STICKY_REASONS = frozenset({AttentionReason.ORDER_CHANGED, AttentionReason.CANCELLED_AFTER_SHIPPING})

class OrderProgress(models.IntegerChoices):
    """Rakuten orderProgress (docs/rms.md §2.1), stored as received.

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
