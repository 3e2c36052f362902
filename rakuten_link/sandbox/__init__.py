"""RMS sandbox: a stateful simulator of Rakuten RMS WEB SERVICE over real HTTP (stdlib only, no Django).

    from rakuten_link.sandbox import SandboxServer
    with SandboxServer(seed="demo") as sandbox:
        requests.post(f"{sandbox.url}/es/2.0/order/searchOrder/", ...)

Command line: `python -m rakuten_link.sandbox --port 8765 --seed demo`.

Layout (each layer imports only the ones below it; nothing imports this package's __init__):
- server.py (SandboxServer, main) → app.py (the WSGI pipeline and the RMS route table) → auth.py,
  routing.py (Call, Route, route, match), http.py (Request/Response plumbing).
- api/: one module per RMS API family (orders, shipping, inventory, items, license) plus their rules.
- control/: the `/_sandbox/…` remote control (dispatch, endpoints, orders).
- orders/: building OrderModels (defaults, lines, random, factory) and their lifecycle, plus the
  order API's shared pieces (common, search).
- state/: SandboxState and what it is made of (config, faults, clock, codes, stock, catalogue), the
  named seeds (seed.reset_state) and the background order generator (autogen).

Names are loaded lazily so `rakuten_link.sandbox.state.catalogue` can be imported on its own cheaply.
"""

from __future__ import annotations

from typing import Any

__all__ = ["SandboxServer", "SandboxState", "clock"]


def __getattr__(name: str) -> Any:
    if name == "SandboxServer":
        from .server import SandboxServer

        return SandboxServer
    if name == "SandboxState":
        from .state.state import SandboxState

        return SandboxState
    if name == "clock":
        from .state import clock

        return clock
    raise AttributeError(name)
