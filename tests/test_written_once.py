"""Knowledge written once: a table or a helper that two modules need lives in one module both import.

Two copies drift apart unnoticed (a carrier added to one table, a price formatted two ways), so these tests
fail when a second copy appears.
"""

from __future__ import annotations

import ast

from tests.test_layout import MODULES


def definitions(name: str) -> list[str]:
    """The project modules that define a function called ``name`` (at any depth)."""
    found = []
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text())
        if any(isinstance(node, ast.FunctionDef) and node.name == name for node in ast.walk(tree)):
            found.append(module)
    return sorted(found)


def test_the_client_and_the_sandbox_read_the_one_carrier_table():
    from rakuten_link import carriers
    from rakuten_link.rms import codes
    from rakuten_link.sandbox.state import codes as sandbox_codes

    assert codes.DELIVERY_COMPANIES is carriers.DELIVERY_COMPANIES
    assert sandbox_codes.DELIVERY_COMPANIES is carriers.DELIVERY_COMPANIES


def test_money_is_formatted_in_one_module():
    assert definitions("yen") == definitions("yen_sign") == ["lib.money"]
    assert definitions("_yen") == []


def test_send_order_means_one_thing():
    assert definitions("send_order") == ["rakuten_link.shipping.report.send"]
