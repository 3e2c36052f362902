"""The simulated RMS web service APIs, one module per API family, each exporting its `ROUTES`.

orders (searchOrder, getOrder, confirmOrder, cancelOrder), shipping (updateOrderShipping) and
shipping_async (updateOrderShippingAsync, getResultUpdateOrderShippingAsync) are the RakutenPay
order API; inventory + inventory_rules the Inventory API 2.0; items + item_rules + item_search the
Item API 2.0; license the license-key expiry check. app.py assembles the table.
"""
