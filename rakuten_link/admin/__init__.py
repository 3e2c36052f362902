"""The Rakuten side of the admin, one module per area; Django's autodiscovery imports this package.

accounts: the EC account page with its RMS check, and the read-only job logs; orders: the order page's
Rakuten actions (manual fetch, re-matching); mappings (+ mapping_views): product and payment-method
mappings with their CSV pages.
"""

from rakuten_link.admin import accounts, logs, mappings, orders  # noqa: F401
