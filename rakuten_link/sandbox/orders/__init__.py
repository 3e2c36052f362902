"""Orders as RMS stores them: building complete OrderModels and moving them through their statuses.

defaults (empty OrderModel parts) → lines (ItemModel from the shop's items) → random (realistic
partial orders) → factory (partial → complete, money fields) → lifecycle (status moves, stock).
common and search are the order API's shared message bodies and searchOrder's query rules.
"""
