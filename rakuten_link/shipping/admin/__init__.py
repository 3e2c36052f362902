"""The shipping desk's admin pages; ``rakuten_link.admin`` imports this package so its models are registered.

order_shipping: the order page's shipments, confirm and cancel; order_bulk: bulk confirm and ship, the
tracking-number CSV; shipments: the read-only parcel list (what is not reported yet); labels: the order
list's label export and the issued-labels upload; label_settings: 送り状設定; scan: scan-to-ship (検品).
"""

from rakuten_link.shipping.admin import label_settings, shipments  # noqa: F401
