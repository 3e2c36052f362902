"""The `catalogue` job: the shop's Rakuten catalogue mirrored into CatalogueItem / CatalogueVariant."""
