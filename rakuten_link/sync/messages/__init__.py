"""The ``messages`` job: queued buyer messages sent through the account's 楽天あんしんメルアド relay."""
