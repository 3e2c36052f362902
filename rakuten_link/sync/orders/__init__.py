"""Order intake from RMS: the fetch and refresh jobs (fetch), batches of getOrder (batch), the upsert
with allocation (upsert, lines, changes), RMS fields onto our models (fields), mapping lookups
(matching), confirmation and alerts after a batch (followup), and the manual fetch by number (manual)."""
