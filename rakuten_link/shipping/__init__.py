"""Everything Rakuten-side about shipping, in one package; the shipments themselves are ``orders.shipping``'s.

Staff actions: actions (注文確認 confirmOrder and キャンセル cancelOrder, RMS first and then our copy re-read
from RMS), bulk ("mark selected shipped" on the order list), imports (the tracking-number CSV: preview, then
confirm), forms (the carrier, store and reason pickers the order page and the list share).
Label files: labels/ (the carriers' layouts), label_settings (送り状設定), label_export and label_import.
The job: report/ tells RMS about the parcels (updateOrderShipping), settling each answer through
``orders.shipping.settle_report``. The admin pages: admin/ (the order page's shipments, bulk ship and the
tracking CSV, the parcel list, the label pages and 送り状設定, scan-to-ship).
"""
