"""Which RMS API functions an account may call: the ✓/✗ list of the account page (ApiFunctionCheck)."""
