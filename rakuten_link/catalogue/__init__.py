"""The shop's Rakuten catalogue as last pulled (items.search + items.bulk-get + inventories bulk-get)."""
