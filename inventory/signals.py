"""Signals other apps listen to without inventory knowing them (see docs/architecture.md, the app direction)."""

from django.dispatch import Signal

# Sent after commit with sku_ids: set[int], store_ids: set[int] whose on_hand changed.
stock_changed = Signal()
