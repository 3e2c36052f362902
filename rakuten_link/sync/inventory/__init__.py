"""Inventory push to RMS: the push job (push), batches of ≤ 400 with bad rows isolated (batches), the
event-driven pending queue and its debounce marker (pending), and the drift check (drift)."""
