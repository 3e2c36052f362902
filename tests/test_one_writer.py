"""Each piece of state the design lists has one writer module (docs/architecture.md, *One writer per state*).

Read from the source with ``ast``: anywhere else, an assignment ``<...hint...>.field = …``, or an
``.update`` / ``.create`` / ``.update_or_create`` / ``.get_or_create`` / ``.bulk_update`` on a receiver naming
the model (or the hint) that sets one of the fields (as a keyword, in ``defaults``, or in a field list), is a
second writer. ``tests/accounts/test_one_writer.py`` does the same for the account's status and pauses.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("accounts", "orders", "inventory", "lib", "rakuten_link", "api", "config")
WRITE_CALLS = ("update", "create", "update_or_create", "get_or_create", "bulk_update", "bulk_create")


@dataclass(frozen=True)
class State:
    name: str
    model: str
    fields: frozenset[str]
    hint: str  # lower-case text the receiver of an assignment contains (``order.state``, ``self.order.state``)
    owners: tuple[str, ...]


STATES = [
    State("stock levels", "StockLevel", frozenset({"on_hand", "allocated"}), "level",
          ("inventory/services.py",)),
    State("order state", "Order.", frozenset({"state", "attention_reasons"}), "order", ("orders/services.py",)),
    State("shipment report state", "Shipment", frozenset({"report_state", "external_id", "reported_values",
                                                          "report_error", "report_request", "reported_at"}),
          "shipment", ("orders/shipping.py",)),
    State("buyer-message state", "BuyerMessage", frozenset({"status", "sent_at", "last_error"}), "message",
          ("orders/outbox.py",)),
    State("mapping status", "ProductMapping", frozenset({"status", "status_message", "checked_at"}), "mapping",
          ("rakuten_link/mappings/status.py",)),
    State("catalogue rows", "CatalogueVariant", frozenset({"gone_at", "quantity", "merchant_sku_id", "selectors"}),
          "cataloguevariant", ("rakuten_link/sync/catalogue/store.py",)),
    State("listing status", "Listing", frozenset({"status", "findings", "errors", "checked_at", "listed_at",
                                                  "sent_json"}), "listing", ("rakuten_link/listing/sending.py",)),
]


def writes(path: Path, state: State) -> list[str]:
    label = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else path.name
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, (ast.Assign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in _flatten(targets):
                if isinstance(target, ast.Attribute) and target.attr in state.fields and state.hint in ast.unparse(
                        target.value).lower():
                    found.append(f"{label}:{node.lineno} {ast.unparse(target)} =")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in WRITE_CALLS:
            receiver = ast.unparse(node.func.value)
            if (state.model in receiver or state.hint in receiver.lower()) and _named_fields(node) & state.fields:
                found.append(f"{label}:{node.lineno} {receiver}.{node.func.attr}(...)")
    return found


def _flatten(targets):
    for target in targets:
        if isinstance(target, ast.Tuple | ast.List):
            yield from _flatten(target.elts)
        else:
            yield target


def _named_fields(call: ast.Call) -> set[str]:
    """Field names a write call sets: its keywords, the keys of ``defaults``, the strings of a field list."""
    names = {k.arg for k in call.keywords if k.arg}
    for value in [k.value for k in call.keywords if k.arg in ("defaults", "fields", "create_defaults")] + call.args[1:]:
        names |= {n.value for n in ast.walk(value) if isinstance(n, ast.Constant) and isinstance(n.value, str)}
    return names


def source_files(state: State) -> list[Path]:
    owners = {ROOT / owner for owner in state.owners}
    return [p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py")
            if "migrations" not in p.parts and "sandbox" not in p.parts and p not in owners]


@pytest.mark.parametrize("state", STATES, ids=lambda s: s.name)
def test_only_the_owner_writes(state):
    assert [write for path in source_files(state) for write in writes(path, state)] == []


@pytest.mark.parametrize("state", STATES, ids=lambda s: s.name)
def test_every_owner_exists_and_writes(state):
    """An owner that no longer writes the state means the table above (and the design) is out of date."""
    assert all(writes(ROOT / owner, state) for owner in state.owners)


def test_the_scan_sees_second_writers(tmp_path):
    rogue = tmp_path / "rogue.py"
    rogue.write_text("def f(order, message, mapping):\n    order.state = 'shipped'\n"
                     "    Order.objects.filter(pk=1).update(attention_reasons=[])\n"
                     "    BuyerMessage.objects.update_or_create(order=order, defaults={'status': 'sent'})\n"
                     "    mapping.status, mapping.checked_at = 'ok', None\n")
    order, message, mapping = (next(s for s in STATES if s.name == name)
                               for name in ("order state", "buyer-message state", "mapping status"))
    assert writes(rogue, order) == ["rogue.py:2 order.state =", "rogue.py:3 Order.objects.filter(pk=1).update(...)"]
    assert writes(rogue, message) == ["rogue.py:4 BuyerMessage.objects.update_or_create(...)"]
    assert writes(rogue, mapping) == ["rogue.py:5 mapping.status =", "rogue.py:5 mapping.checked_at ="]
