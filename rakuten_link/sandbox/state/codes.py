"""Code tables and API function ids shared by the sandbox modules.

Values follow docs/rms.md §2.1 and §2.8. Function ids follow the naming seen in RMS's
"利用機能編集" screen (`rpay.order.searchOrder`, `itemapi_2.0.items.get`, `license.expiryDate.get`);
the inventory ids are our own spelling of the same pattern (the real ones are UNCONFIRMED).
"""

from __future__ import annotations

from ... import carriers

ORDER_PROGRESS = (100, 200, 300, 400, 500, 600, 700, 800, 900)
CANCELLABLE_PROGRESS = (100, 200, 300)

# Rakuten's carrier table, the one the client reads too (it is Rakuten's, not ours).
DELIVERY_COMPANIES: dict[str, str] = carriers.DELIVERY_COMPANIES

SETTLEMENT_METHODS: dict[int, str] = {
    1: "クレジットカード",
    2: "代金引換",
    4: "ショッピングクレジット／ローン",
    7: "請求書払い",
    9: "銀行振込",
    12: "Apple Pay",
    13: "セブンイレブン（前払）",
    14: "ローソン、郵便局ATM等（前払）",
    17: "PayPal",
    21: "後払い決済",
}

# changeReasonDetailApply values accepted by cancelOrder (buyer side 1-6, shop side 8-15).
CANCEL_REASONS = (1, 2, 3, 4, 5, 6, 8, 10, 13, 14, 15)

# Families group functions that share a rate limit (docs/rms.md §1.5).
FAMILY_ORDER = "order"
FAMILY_INVENTORY = "inventory"
FAMILY_INVENTORY_BULK_GET = "inventory_bulk_get"
FAMILY_ITEMS = "items"
FAMILY_LICENSE = "license"

DEFAULT_RATE_LIMITS: dict[str, float] = {
    FAMILY_ORDER: 1,
    FAMILY_INVENTORY: 1,
    FAMILY_INVENTORY_BULK_GET: 5,
    FAMILY_ITEMS: 5,
}

SEARCH_ORDER = "rpay.order.searchOrder"
GET_ORDER = "rpay.order.getOrder"
CONFIRM_ORDER = "rpay.order.confirmOrder"
UPDATE_ORDER_SHIPPING = "rpay.order.updateOrderShipping"
CANCEL_ORDER = "rpay.order.cancelOrder"
INVENTORY_GET = "inventoryapi_2.0.variants.get"
INVENTORY_UPSERT = "inventoryapi_2.0.variants.upsert"
INVENTORY_DELETE = "inventoryapi_2.0.variants.delete"
INVENTORY_BULK_GET = "inventoryapi_2.0.bulk.get"
INVENTORY_BULK_GET_RANGE = "inventoryapi_2.0.bulk.get.range"
INVENTORY_BULK_UPSERT = "inventoryapi_2.0.bulk.upsert"
ITEMS_GET = "itemapi_2.0.items.get"
ITEMS_UPSERT = "itemapi_2.0.items.upsert"
ITEMS_PATCH = "itemapi_2.0.items.patch"
ITEMS_DELETE = "itemapi_2.0.items.delete"
ITEMS_BULK_GET = "itemapi_2.0.items.bulk.get"
ITEMS_SEARCH = "itemapi_2.0.items.search"
LICENSE_EXPIRY = "license.expiryDate.get"
