"""After a batch has committed: alert staff, and confirm new orders when the account asks for it.

Alerts go through ``send_alert`` (at most one mail per kind and account per hour); they name order
numbers and products, never buyer data. Confirmation runs after the commit so a confirmed order is always
one we have stored.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from django.utils.translation import gettext as _

from accounts.models import EcAccount
from orders import timeline
from orders.models import EventKind, Order, OrderChange, OrderProgress
from rakuten_link.alerts import send_alert
from rakuten_link.rms import RmsAuthError, RmsClient, RmsError
from rakuten_link.sync.orders.upsert import BatchOutcome
from rakuten_link.wording import as_mail

logger = logging.getLogger(__name__)

LISTED = 20  # lines per alert mail; the admin's 要確認 filter shows them all


def alert_problems(account: EcAccount, outcome: BatchOutcome) -> None:
    if outcome.unmatched:
        rows = [f"{number}  {mn} / {vid or '-'}  {name}" for number, mn, vid, name in outcome.unmatched[:LISTED]]
        send_alert(
            account,
            kind="order_unmatched_lines",
            subject=_("Order lines without a SKU mapping (要確認)"),
            body=_("These order lines match no product mapping. They were stored without stock allocation; "
                   "add the mapping, then retry the allocation from the order list.\n\n%(rows)s")
            % {"rows": "\n".join(rows)},
        )
    if outcome.unmapped_payments:
        rows = [f"{number}  {code if code is not None else '-'} {name}"
                for number, code, name in outcome.unmapped_payments[:LISTED]]
        send_alert(
            account,
            kind="order_unmapped_payment",
            subject=_("Orders with an unmapped payment method"),
            body=_("Map these Rakuten settlement methods to one of our payment methods:\n\n%(rows)s")
            % {"rows": "\n".join(rows)},
        )


def alert_fetch_failure(account: EcAccount, error: str) -> None:
    send_alert(
        account,
        kind="order_fetch_failed",
        subject=_("Fetching Rakuten orders failed"),
        body=_("The order fetch of account %(name)s failed and will be retried at the next run. "
               "Orders stored before the failure are kept; none is lost or fetched twice.\n\n%(error)s")
        % {"name": account.name, "error": as_mail(error)},
    )


def confirm_new_orders(account: EcAccount, client: RmsClient, orders: Sequence[Order]) -> tuple[int, int]:
    """confirmOrder (100 per call) for orders still awaiting confirmation; returns (confirmed, refused).

    A confirmed order is moved to 200 here and the move recorded, so the order page shows it at once;
    the next refresh then finds RMS agreeing and records nothing twice.
    """
    if not account.auto_confirm_orders:
        return 0, 0
    waiting = {o.order_number: o for o in orders if o.order_progress == OrderProgress.AWAITING_CONFIRMATION}
    if not waiting:
        return 0, 0
    try:
        results = client.confirm_orders(list(waiting))
    except RmsAuthError:
        raise  # the runner pauses the account
    except RmsError as exc:
        # Not fatal for the fetch: the orders stay in 100 and the open-orders refresh confirms them later.
        logger.warning("confirmOrder failed for account %s: %s", account.pk, exc)
        return 0, len(waiting)
    done = [waiting[r.order_number] for r in results if r.ok and r.order_number in waiting]
    confirmed = OrderProgress.RAKUTEN_PROCESSING  # where confirmOrder moves an order
    for order in done:
        order.order_progress = confirmed
    if done:
        Order.objects.filter(pk__in=[o.pk for o in done]).update(order_progress=confirmed)
        OrderChange.objects.bulk_create(
            OrderChange(order=o, field="order_progress", old_value=str(OrderProgress.AWAITING_CONFIRMATION.value),
                        new_value=str(confirmed.value)) for o in done
        )
        timeline.log(done, EventKind.CONFIRMED)
        timeline.log(done, EventKind.CHANGED, data={"changes": 1})  # the change row above: who made it
    return len(done), len(results) - len(done)
