"""Switches that change how the sandbox behaves, settable at start-up and at run time.

Defaults describe a well-behaved RMS: no rate limits, no latency, no faults. Tests turn on what they
exercise; the fixture resets everything to these defaults before each test.
"""

from __future__ import annotations

import copy
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from .codes import DEFAULT_RATE_LIMITS, ORDER_PROGRESS

AUTH_SHAPES = ("errors", "results")
# The shop's 消費税1円未満端数 setting in RMS, under the names accounts.TaxRounding stores.
TAX_ROUNDINGS = ("floor", "ceil", "round")


def _too_many_requests() -> dict[str, Any]:
    # RMS's real over-limit answer is UNCONFIRMED; this follows the common-gateway shape.
    return {"errors": [{"code": "GA0003", "message": "Too Many Requests"}]}


@dataclass
class SandboxConfig:
    """All run-time switches; see `patch` for how values are checked."""

    # "errors": {"errors":[{"code":"GA0001"}]} (2026 gateway); "results": {"Results":{"errorCode":"ES01-01"}}.
    auth_error_shape: str = "errors"
    rate_limits: bool = False
    rate_limit_per_s: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_RATE_LIMITS))
    rate_limit_status: int = 429
    rate_limit_body: dict[str, Any] = field(default_factory=_too_many_requests)
    latency_ms: int = 0
    # Per-shop latency (shop number → ms), instead of latency_ms for that shop's calls: one slow shop
    # among many on one sandbox (the many-shops benchmark). Replaced as a whole by a patch.
    latency_ms_by_shop: dict[str, int] = field(default_factory=dict)
    fault_500_rate: float = 0.0
    fault_503_rate: float = 0.0
    drop_rate: float = 0.0
    random_seed: int = 0
    # Background generator: one random order per shop every N seconds (0 = off).
    auto_orders_every_s: float = 0.0
    # Rakuten moves 200 → 300 by itself after its checks; None keeps orders in 200 until told.
    processing_delay_s: float | None = None
    # Rakuten decrements its own stock when a buyer orders and restores it on cancel.
    order_decrements_inventory: bool = True
    # orderProgress values in which updateOrderShipping (and its async variant) is accepted. RMS's real
    # set is UNCONFIRMED (docs/rms.md §2.5); 100–400 lets a shop report tracking before 300 as well.
    shipping_accepted_progress: list[int] = field(default_factory=lambda: [100, 200, 300, 400])
    # updateOrderShippingAsync checks every order first and, when one would be refused, refuses the whole
    # batch as Rakuten's own example shows: HTTP 200, an ERROR per refused order, no requestId, nothing applied.
    async_refuse_batch: bool = False
    # How RMS rounds the tax in each order's per-rate summary (TaxSummaryModelList.reqPriceTax): the shop's
    # 消費税端数 setting, one of TAX_ROUNDINGS; per shop number in tax_rounding_by_shop (replaced as a whole by
    # a patch), else tax_rounding. The demo sets its shop's to the demo account's rule.
    tax_rounding: str = "floor"
    tax_rounding_by_shop: dict[str, str] = field(default_factory=dict)
    # Per shop number, the manageNumbers random orders draw from when the request names none (replaced as a
    # whole by a patch); a shop not listed sells all its items. The demo lists its mapped items, so the
    # first-day items it leaves to the mapping assistant do not arrive as 要確認 order lines.
    order_items_by_shop: dict[str, list[str]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return copy.deepcopy(asdict(self))

    def tax_rounding_for(self, shop: str) -> str:
        return self.tax_rounding_by_shop.get(shop, self.tax_rounding)

    def patch(self, values: dict[str, Any]) -> None:
        """Apply `values` after checking every key; raises ValueError and changes nothing on a bad one."""
        checked = {name: _check(name, value) for name, value in values.items()}
        for name, value in checked.items():
            if name == "rate_limit_per_s":
                value = {**self.rate_limit_per_s, **value}
            setattr(self, name, value)


_NAMES = {f.name for f in fields(SandboxConfig)}
_RATES = ("fault_500_rate", "fault_503_rate", "drop_rate")
_BOOLS = ("rate_limits", "order_decrements_inventory", "async_refuse_batch")


def _check(name: str, value: Any) -> Any:
    """Return the value to store for `name`, or raise ValueError explaining what is wrong."""
    if name not in _NAMES:
        raise ValueError(f"unknown config switch: {name}")
    if name in _BOOLS:
        if not isinstance(value, bool):
            raise ValueError(f"{name} must be true or false")
        return value
    if name in _RATES:
        return _number(name, value, 0.0, 1.0)
    if name == "auth_error_shape":
        if value not in AUTH_SHAPES:
            raise ValueError(f"auth_error_shape must be one of {AUTH_SHAPES}")
        return value
    if name == "tax_rounding":
        return _rounding(name, value)
    if name == "tax_rounding_by_shop":
        if not isinstance(value, dict) or not all(isinstance(k, str) and len(k) == 6 and k.isdigit() for k in value):
            raise ValueError("tax_rounding_by_shop must be an object of 6-digit shop number → rounding")
        return {shop: _rounding(f"tax_rounding_by_shop.{shop}", rule) for shop, rule in value.items()}
    if name == "order_items_by_shop":
        return _items_by_shop(value)
    if name == "processing_delay_s":
        return None if value is None else _number(name, value, 0.0, None)
    if name in ("latency_ms", "rate_limit_status", "random_seed"):
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ValueError(f"{name} must be a non-negative integer")
        return value
    if name == "auto_orders_every_s":
        return _number(name, value, 0.0, None)
    if name == "shipping_accepted_progress":
        return _progress_list(name, value)
    if name == "latency_ms_by_shop":
        return _latency_by_shop(value)
    if name == "rate_limit_per_s":
        if not isinstance(value, dict):
            raise ValueError("rate_limit_per_s must be an object of family → requests per second")
        return {str(k): _number(f"rate_limit_per_s.{k}", v, 0.0, None) for k, v in value.items()}
    if not isinstance(value, dict):  # rate_limit_body
        raise ValueError(f"{name} must be a JSON object")
    return value


def _rounding(name: str, value: Any) -> str:
    if value not in TAX_ROUNDINGS:
        raise ValueError(f"{name} must be one of {TAX_ROUNDINGS}")
    return str(value)


def _items_by_shop(value: Any) -> dict[str, list[str]]:
    """{6-digit shop number: [manageNumber, ...]}, manageNumbers lower-cased as the sandbox keys them."""
    if not isinstance(value, dict) or not all(isinstance(k, str) and len(k) == 6 and k.isdigit() for k in value):
        raise ValueError("order_items_by_shop must be an object of 6-digit shop number → manageNumbers")
    if not all(isinstance(v, list) and all(isinstance(n, str) and n for n in v) for v in value.values()):
        raise ValueError("order_items_by_shop values must be lists of manageNumbers")
    return {shop: [n.lower() for n in numbers] for shop, numbers in value.items()}


def _latency_by_shop(value: Any) -> dict[str, int]:
    """{6-digit shop number: non-negative milliseconds}."""
    if not isinstance(value, dict):
        raise ValueError("latency_ms_by_shop must be an object of shop number → milliseconds")
    for shop, ms in value.items():
        if not (isinstance(shop, str) and len(shop) == 6 and shop.isdigit()):
            raise ValueError("latency_ms_by_shop keys must be 6-digit shop numbers")
        if not isinstance(ms, int) or isinstance(ms, bool) or ms < 0:
            raise ValueError("latency_ms_by_shop values must be non-negative integers")
    return dict(value)


def _progress_list(name: str, value: Any) -> list[int]:
    """A list of orderProgress codes (may be empty: then no status accepts shipping rows)."""
    if not isinstance(value, list) or not all(v in ORDER_PROGRESS and type(v) is int for v in value):
        raise ValueError(f"{name} must be a list of orderProgress values {ORDER_PROGRESS}")
    return sorted(set(value))


def _number(name: str, value: Any, low: float, high: float | None) -> float:
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise ValueError(f"{name} must be a number")
    if value < low or (high is not None and value > high):
        raise ValueError(f"{name} out of range")
    return float(value)
