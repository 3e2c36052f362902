"""RMS sandbox: a stateful simulator of Rakuten RMS WEB SERVICE over real HTTP (stdlib only, no Django).

    from rakuten_link.sandbox import SandboxServer
    with SandboxServer(seed="demo") as sandbox:
        requests.post(f"{sandbox.url}/es/2.0/order/searchOrder/", ...)

Command line: `python -m rakuten_link.sandbox --port 8765 --seed demo`.
Modules: app/routing (pipeline), auth, orders_api + shipping_api, inventory_api, items_api +
item_search, license_api, control + control_orders (`/_sandbox/…`), state, config, seed, catalogue.
Names are loaded lazily so `rakuten_link.sandbox.catalogue` can be imported on its own cheaply.
"""

from __future__ import annotations

from typing import Any

__all__ = ["SandboxServer", "SandboxState"]


def __getattr__(name: str) -> Any:
    if name == "SandboxServer":
        from .server import SandboxServer

        return SandboxServer
    if name == "SandboxState":
        from .state import SandboxState

        return SandboxState
    raise AttributeError(name)
