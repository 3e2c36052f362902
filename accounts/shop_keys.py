"""The shop key: what makes two shop URLs one shop, kept on each account under a UNIQUE constraint.

Two accounts for one shop import every order twice, so the database itself refuses the second one, whatever
creates it (the admin, a command, a data migration). The key is ``shop_identity`` of the shop URL: scheme,
case and the rest of the path dropped, www./item./m.rakuten.co.jp folded into one host.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from .validators import shop_identity


def shop_key(shop_url: str) -> str | None:
    """The key of a shop URL; None for a blank URL (NULLs never collide under the constraint)."""
    return shop_identity(shop_url) if (shop_url or "").strip() else None


def duplicate_shops(rows: Iterable[tuple[int, str, str]]) -> dict[str, list[tuple[int, str]]]:
    """{key: [(pk, name), …]} of every shop that more than one of the (pk, name, shop_url) rows belongs to."""
    accounts: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for pk, name, url in rows:
        key = shop_key(url)
        if key is not None:
            accounts[key].append((pk, name))
    return {key: found for key, found in accounts.items() if len(found) > 1}


def duplicate_shops_report(rows: Iterable[tuple[int, str, str]]) -> str:
    """One line per shared shop naming its accounts, for an operator to merge them; "" when there is none."""
    return "\n".join(
        f"{key}: " + ", ".join(f"{name} (id {pk})" for pk, name in found)
        for key, found in sorted(duplicate_shops(rows).items())
    )
