"""What the simulated RMS remembers and the plain data it starts from.

state (SandboxState, Credential) with config, faults, clock and async_shipping (the results of
updateOrderShippingAsync) beneath it; codes and catalogue are plain tables; stock holds inventory
rows. seed (named starting states) and autogen (background orders) sit on top, building on the order
and item code.
"""
