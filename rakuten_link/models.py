"""Everything that speaks RMS."""
