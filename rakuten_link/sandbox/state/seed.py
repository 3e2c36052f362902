"""Named starting states: `empty` (nothing at all) and `demo` (one shop ready to use).

The demo seed stores items and creates orders through the same code the API uses, so it sits above
the item and order modules; `SandboxState` itself stays free of it, and whoever resets a state
(the server, the control API) calls `reset_state` here.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from ..api.items import store_item
from ..orders.lifecycle import create_random_order
from . import clock
from .big_catalogue import SeededCatalogue, build_catalogue
from .catalogue import DEMO_CATALOGUE, DEMO_LICENSE_KEY, DEMO_SERVICE_SECRET, DEMO_SHOP, item_json
from .first_day import FIRST_DAY_CATALOGUE
from .state import SandboxState
from .stock import put_quantity

SEEDS = ("empty", "demo", "catalogue")
DEMO_KEY_DAYS = 80  # a 90-day key issued ten days ago
FIRST_DAY_SEED = 20


def reset_state(state: SandboxState, seed: str = "empty", config: dict[str, Any] | None = None) -> None:
    """Forget everything, restore default config (plus `config`), then apply the named seed."""
    if seed not in SEEDS:
        raise ValueError(f"unknown seed {seed!r}; use one of {SEEDS}")
    with state.lock:
        state.reset(config)
        apply_seed(state, seed)


def apply_seed(state: SandboxState, name: str) -> None:
    if name not in SEEDS:
        raise ValueError(f"unknown seed {name!r}; use one of {SEEDS}")
    if name == "demo":
        seed_demo(state, clock.now())
    if name == "catalogue":
        seed_catalogue(state, build_catalogue(start=clock.now()))


def end_of_day(value: datetime) -> datetime:
    return value.replace(hour=23, minute=59, second=59, microsecond=0)


def seed_demo(state: SandboxState, at: datetime) -> None:
    """Credentials for shop 000001, the demo catalogue with stock, a handful of orders, then the first-day items."""
    state.add_credential(
        DEMO_SERVICE_SECRET, DEMO_LICENSE_KEY, DEMO_SHOP, end_of_day(at + timedelta(days=DEMO_KEY_DAYS))
    )
    for entry in DEMO_CATALOGUE:
        store_item(state, DEMO_SHOP, entry["manageNumber"], item_json(entry), at)
        for variant in entry["variants"]:
            quantity = 0 if state.rng.random() < 0.1 else state.rng.randrange(1, 40)
            put_quantity(state, DEMO_SHOP, entry["manageNumber"], variant["variantId"], quantity, at)
    week_ago = clock.format_order_dt(at - timedelta(days=7))
    two_days_ago = clock.format_order_dt(at - timedelta(days=2))
    plan = [(500, week_ago, two_days_ago)] * 2 + [(300, two_days_ago, None)] * 2 + [(100, two_days_ago, None)] * 3
    plan.append((900, week_ago, two_days_ago))
    for progress, start, end in plan:
        options = {"orderProgress": progress, "start": start, "end": end or clock.format_order_dt(at)}
        create_random_order(state, DEMO_SHOP, at, options)
    seed_first_day(state, at)


def seed_first_day(state: SandboxState, at: datetime) -> None:
    """The demo shop's items it has not mapped yet (first_day.py), with stock; random orders keep to the
    mapped ones. After the orders and with a random sequence of its own, so the seed's orders, stock and
    later random orders are those of the mapped catalogue alone."""
    mapped = sorted(entry["manageNumber"] for entry in DEMO_CATALOGUE)  # the order random orders saw before
    state.config.order_items_by_shop.setdefault(DEMO_SHOP, mapped)
    rng = random.Random(FIRST_DAY_SEED)
    for entry in FIRST_DAY_CATALOGUE:
        store_item(state, DEMO_SHOP, entry["manageNumber"], item_json(entry), at)
        for variant in entry["variants"]:
            put_quantity(state, DEMO_SHOP, entry["manageNumber"], variant["variantId"], rng.randrange(0, 30), at)


def seed_catalogue(state: SandboxState, catalogue: SeededCatalogue, shop: str = DEMO_SHOP) -> None:
    """The demo credentials and a large catalogue (big_catalogue.py) with its stock; no orders.

    Legacy (pre-SKU) items go in as they are: the item API's validation wants variants, which they lack.
    """
    at = clock.now()
    state.add_credential(
        DEMO_SERVICE_SECRET, DEMO_LICENSE_KEY, shop, end_of_day(at + timedelta(days=DEMO_KEY_DAYS))
    )
    for item in catalogue.items:
        updated = catalogue.updated[item["manageNumber"]]
        if "legacyChoices" in item:
            stamp = clock.format_iso(updated)
            state.items_of(shop)[item["manageNumber"]] = {**item, "created": stamp, "updated": stamp}
        else:
            store_item(state, shop, item["manageNumber"], item, updated)
    for (manage_number, variant_id), quantity in catalogue.quantities.items():
        put_quantity(state, shop, manage_number, variant_id, quantity, at)
