"""Background order generator for demos: a new random order per shop every `auto_orders_every_s`.

It polls the config, so the switch can be turned on and off at run time through `/_sandbox/config`.
"""

from __future__ import annotations

import threading
import time

from ..orders.lifecycle import create_random_order
from ..orders.lines import SoldOut
from . import clock
from .state import SandboxState

POLL_S = 0.2


class AutoOrderGenerator:
    def __init__(self, state: SandboxState) -> None:
        self.state = state
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sandbox-auto-orders", daemon=True)
        self._last = time.monotonic()

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stop.wait(POLL_S):
            every = self.state.config.auto_orders_every_s
            if not every:
                self._last = time.monotonic()
                continue
            if time.monotonic() - self._last >= every:
                self._last = time.monotonic()
                self.generate_once()

    def generate_once(self) -> list[str]:
        """One random order for every shop that has credentials and stock left; returns the new order numbers."""
        created = []
        with self.state.lock:
            at = clock.now()
            for shop in self.state.shops():
                try:
                    created.append(create_random_order(self.state, shop, at, {})["orderNumber"])
                except SoldOut:
                    continue  # a sold-out shop gets no orders, as on Rakuten
        return created
