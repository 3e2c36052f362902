"""What the orders app tells others, after commit (others import orders; orders imports none of them)."""

from __future__ import annotations

from django.dispatch import Signal

# Sent once per committed write of timeline rows: ``events`` is a list of (order id, event kind).
order_events = Signal()
