"""Which orders get a buyer message: never a past buyer reached by a backfill.

The order-received message goes only to an order first fetched while it waits in RMS (progress 100–300)
and ordered within ``RAKUTEN_MESSAGE_MAX_AGE_HOURS``; the shipped message only for a parcel made here once
RMS holds its report (orders first seen shipped or cancelled have no parcel here, so get none).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from accounts.models import EcAccount
from orders import outbox
from orders.models import MessageEvent, Order, OrderLine, OrderState, ReportState, Shipment
from rakuten_link.rms.codes import carrier_name

NEW_ORDER_PROGRESS = range(100, 301)


def _cutoff():
    return timezone.now() - timedelta(hours=settings.RAKUTEN_MESSAGE_MAX_AGE_HOURS)


def queue_new_order_messages(entries: Sequence[tuple[Order, Sequence[OrderLine]]]) -> int:
    """Called with the orders (and their lines) a batch just inserted (one account), in the batch's transaction."""
    cutoff = _cutoff()
    due = [(o, lines) for o, lines in entries if o.order_progress in NEW_ORDER_PROGRESS and o.ordered_at >= cutoff
           and o.state not in (OrderState.CANCELLED, OrderState.SHIPPED)]
    return outbox.queue_taken_in(due, MessageEvent.NEW_ORDER)


def queue_shipped_messages(account: EcAccount) -> int:
    """After a shipments run: one message per order with a parcel reported recently and none sent yet."""
    if account.template_shipped_id is None:
        return 0
    shipments = (Shipment.objects.filter(order__account=account, report_state=ReportState.REPORTED,
                                         deleted=False, reported_at__gte=_cutoff())
                 .exclude(order__buyer_messages__event=MessageEvent.SHIPPED)
                 .select_related("order", "order__account").order_by("order_id", "created_at"))
    first: dict[int, Shipment] = {}
    for shipment in shipments:
        first.setdefault(shipment.order_id, shipment)
    values = {order_id: {"配送会社": carrier_name(s.delivery_company), "お問い合わせ番号": s.tracking_number}
              for order_id, s in first.items()}
    return outbox.queue_many([s.order for s in first.values()], MessageEvent.SHIPPED, values=values)


def queue_cancelled_messages(orders: list[Order]) -> int:
    """Orders we held, cancelled before their goods left (by us or in RMS): tell each buyer once."""
    return outbox.queue_many(orders, MessageEvent.CANCELLED)


def withdraw_unsent_messages(orders: list[Order]) -> int:
    """Cancelled orders: the messages they still had waiting (the order-received one held for approval, a
    queued shipped one) are withdrawn with a note, through the outbox. The cancellation message is not."""
    return outbox.withdraw_unsent(orders)


def queue_follow_up_messages(account: EcAccount) -> int:
    """Orders whose parcel was reported ``follow_up_days`` ago (within the message age window) get a follow-up.

    The window keeps a template picked today from mailing every buyer of the past months.
    """
    if account.template_follow_up_id is None:
        return 0
    due = timezone.now() - timedelta(days=account.follow_up_days)
    window = timedelta(hours=settings.RAKUTEN_MESSAGE_MAX_AGE_HOURS)
    orders = (Order.objects.filter(account=account, state=OrderState.SHIPPED, shipments__deleted=False,
                                   shipments__report_state=ReportState.REPORTED,
                                   shipments__reported_at__lte=due, shipments__reported_at__gt=due - window)
              .exclude(buyer_messages__event=MessageEvent.FOLLOW_UP).select_related("account").distinct())
    return outbox.queue_many(list(orders), MessageEvent.FOLLOW_UP)
