"""Admin for product and payment-method mappings (product-mapping issue)."""
