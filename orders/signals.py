"""What the orders app tells others (others import orders; orders imports none of them)."""

from __future__ import annotations

from django.dispatch import Signal

# Sent once per committed write of timeline rows: ``events`` is a list of (order id, event kind).
order_events = Signal()

# Sent inside the transaction that writes timeline rows, with steps: a list of (order id, event kind, data).
# The integration API's webhooks write their outbox rows in that transaction. Receivers must not commit.
order_steps = Signal()
