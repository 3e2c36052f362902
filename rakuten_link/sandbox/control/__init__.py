"""`/_sandbox/…`: the remote control tests and demos use to set up and inspect the sandbox (not RMS).

dispatch holds the route table and runs handlers; endpoints and orders are the handlers.
"""
