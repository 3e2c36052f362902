"""The Rakuten side of the admin, one module per area; Django's autodiscovery imports this package.

accounts: the EC account page with its RMS check and pause/resume; orders: the order page's
Rakuten actions (manual fetch, re-matching); mappings (+ mapping_views): product and payment-method
mappings with their CSV pages; stock: the stock list with what Rakuten last received; logs: sync runs, API
calls, alerts and the audit trail.
"""

from rakuten_link.admin import accounts, logs, mappings, orders, stock  # noqa: F401
