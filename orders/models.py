"""Orders: marketplace-neutral order handling (filled in by the order-intake issue)."""
