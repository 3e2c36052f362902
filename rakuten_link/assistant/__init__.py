"""The mapping assistant: Rakuten catalogue variants matched to our SKUs (docs/matching.md)."""
