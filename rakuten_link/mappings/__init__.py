"""Product and payment-method mappings: the rules a mapping obeys, CSV import and export, admin forms,
payment mappings, and the verdict of a verification against RMS."""
