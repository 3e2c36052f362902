"""Signals other apps listen to without inventory knowing them (see docs/architecture.md, the app direction)."""

from django.dispatch import Signal

# Sent after commit with sku_ids: set[int], store_ids: set[int] whose on_hand or allocated changed.
stock_changed = Signal()

# Sent inside the stocktake's transaction with excess: {(store_id, sku_id): units} when a count finds fewer
# units than open orders hold there. The order side releases that many allocated units (newest orders first)
# and flags those lines 欠品; the count is then applied. Receivers must not commit or leave the transaction.
allocation_exceeds_count = Signal()

# Sent inside the transaction that writes stock levels, only when someone listens, with changes: a list of
# (store_id, sku_id, available before, available after). The integration API's webhooks write their outbox rows
# in that transaction (stock.low). Receivers must not commit or leave the transaction.
stock_levels_written = Signal()
