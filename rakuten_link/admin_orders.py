"""Admin additions for Rakuten order intake (order-intake issue)."""
