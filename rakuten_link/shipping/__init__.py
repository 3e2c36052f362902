"""What staff do to an order from the admin that Rakuten must hear about or that Rakuten's codes shape.

actions: 注文確認 (confirmOrder) and キャンセル (cancelOrder), RMS first and then our copy re-read from RMS;
bulk: "mark selected shipped" on the order list; imports: the tracking-number CSV (preview, then confirm);
forms: the carrier, store and reason pickers the order page and the list share. Shipments themselves are
written by ``orders.shipping``; the shipments job reports them to RMS later.
"""
