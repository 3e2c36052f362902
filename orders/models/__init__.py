"""The orders app's models, one module per idea; import them from here (``from orders.models import Order``)."""

from .choices import (
    FINAL_PROGRESS,
    SHIPPED_PROGRESS,
    STICKY_REASONS,
    AttentionReason,
    OrderProgress,
    OrderState,
)
from .event import EventKind, OrderEvent
from .mail import BuyerMessage, MailTemplate, MessageEvent, MessageStatus
from .order import Order, OrderChange, OrderLine, OrderPackage
from .payment import PaymentMethod
from .report import ReportJob, ReportKind, ReportStatus
from .shipment import MAX_SHIPMENTS_PER_PACKAGE, NOT_REPORTED, ReportState, Shipment

__all__ = [
    "FINAL_PROGRESS", "MAX_SHIPMENTS_PER_PACKAGE", "SHIPPED_PROGRESS", "STICKY_REASONS", "AttentionReason",
    "BuyerMessage", "EventKind", "MailTemplate", "MessageEvent", "MessageStatus", "Order", "OrderChange",
    "OrderEvent", "OrderLine", "OrderPackage", "OrderProgress", "OrderState", "PaymentMethod", "ReportJob",
    "ReportKind", "ReportState", "ReportStatus", "Shipment", "NOT_REPORTED",
]
