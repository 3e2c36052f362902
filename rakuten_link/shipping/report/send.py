"""One updateOrderShipping per order, and what each failure means for its rows (docs/rms.md §2.5).

The rows are marked 'sending' (committed) before the call. Then:
- accepted: each row is reported with the shippingDetailId RMS gave it;
- refused (HTTP 400, validation): the rows RMS names are refused with its message, the others sent again;
- not applied (429, 503): the rows are pending again, sent on the next run;
- unknown (timeout, dropped connection, other 5xx): the rows stay 'sending' and the next run reads the
  order back before anything is sent again, so a lost answer never becomes a second row.
Only a refusal lets the run go on: any other failure ends the sending, RMS being unwell.
"""

from __future__ import annotations

from orders.shipping import Outcome, settle_report
from rakuten_link.rms import RmsAuthError, RmsClient, RmsError, RmsRequestError
from rakuten_link.rms.parse_orders import parse_shipping_results

from .outcome import Tally, apply_results, not_applied, refuse_rows, stop
from .plan import OrderPlan


def send_order(client: RmsClient, plan: OrderPlan, tally: Tally) -> bool:
    """Report one order's rows; False when RMS failed in a way that should end the run's sending."""
    if not plan.rows:
        return True
    settle_report((s, Outcome.sending()) for s in plan.shipments)
    tally.calls += 1
    try:
        results = client.update_order_shipping(plan.order.order_number, plan.baskets())
    except RmsAuthError:
        raise  # the runner pauses the account; the rows are read back once it runs again
    except RmsRequestError as exc:
        refuse_call(tally, plan, exc)
        return True
    except RmsError as exc:
        failed_call(tally, plan, exc)
        return False
    apply_results(plan.rows, results, tally)
    return True


def refuse_call(tally: Tally, plan: OrderPlan, exc: RmsRequestError) -> None:
    """HTTP 400 and the like: RMS applied nothing and said why, per row where it could."""
    details = "; ".join(f"{d.message} ({d.code})" if d.code else d.message for d in exc.errors if d.message)
    refuse_rows(tally, plan.order.order_number, plan.rows, parse_shipping_results(exc.body),
                fallback=details or str(exc))


def failed_call(tally: Tally, plan: OrderPlan, exc: RmsError) -> None:
    """Not applied: pending again. Unknown: left 'sending' for the read-back. Either way the run stops."""
    if not_applied(exc):
        settle_report((s, Outcome.pending()) for s in plan.shipments)
    stop(tally, exc)
