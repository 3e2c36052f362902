"""Inventory push to RMS: the push job (push), batches of ≤ 400 with bad rows isolated (batches), the
event-driven pending SKUs and the per-account push claims (pending), and the drift check (drift)."""
