"""The Rakuten side of the admin, one module per area; Django's autodiscovery imports this package.

accounts: the EC account page with its RMS check and pause/resume; orders: the order page's
Rakuten actions (manual fetch, re-matching); mappings (+ mapping_views): product and payment-method
mappings with their CSV pages; stock: the stock list with what Rakuten last received; logs: sync runs, API
calls, alerts and the audit trail; tasks: Django-Q2's task and schedule lists in Japanese; permissions: the
user and group pages with translated permission names; listing: listing templates, listings and the
product list's create-listings action; messages: mail templates (with a preview) and the
buyer-message outbox; assistant (+ assistant_views): the mapping assistant's proposals for unmapped Rakuten
variants. The shipping desk's pages (the order page's shipments, bulk ship, the tracking CSV, the parcel list,
label files, 送り状設定, scan-to-ship) are ``rakuten_link.shipping.admin``, imported here.
"""

from rakuten_link.admin import (  # noqa: F401
    accounts,
    assistant,
    listing,
    logs,
    mappings,
    messages,
    orders,
    permissions,
    stock,
    tasks,
)
from rakuten_link.shipping import admin as shipping_admin  # noqa: F401
