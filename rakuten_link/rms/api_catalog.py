"""Inventory API 2.0, Item API 2.0 and license functions of ``RmsClient`` (docs/rms.md §3-§5)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import quote

from .coerce import camel_case, chunks, unique
from .errors import RmsError
from .parse_catalog import (
    parse_bulk_items,
    parse_inventories,
    parse_inventory,
    parse_item,
    parse_item_search,
    parse_license_expiry,
)
from .transport import Outcome
from .types import InventoryRecord, InventoryUpdate, ItemSearchPage, RmsItem

INVENTORY_GET_BATCH = 1000  # inventories.bulk.get (§3)
INVENTORY_UPSERT_MAX = 400  # inventories.bulk.upsert, all-or-nothing (§3)
ITEMS_GET_BATCH = 50  # items.bulk.get (§4)
SEARCH_HITS = 100  # items.search maximum page size (§4)
_MODES = ("ABSOLUTE", "RELATIVE")


def _variant_path(manage_number: str, variant_id: str) -> str:
    return f"/es/2.0/inventories/manage-numbers/{quote(manage_number, safe='')}/variants/{quote(variant_id, safe='')}"


def _item_path(manage_number: str) -> str:
    return f"/es/2.0/items/manage-numbers/{quote(manage_number, safe='')}"


def _check_mode(mode: str) -> str:
    if mode not in _MODES:
        raise ValueError(f"inventory mode must be one of {_MODES}, not {mode!r}")
    return mode


def _query_value(value: Any) -> Any:
    """items.search wants lower-case booleans in the query string."""
    return ("true" if value else "false") if isinstance(value, bool) else value


class CatalogApi:
    """Inventory, item and license methods; mixed into ``RmsClient``, which provides ``_request``."""

    _request: Callable[..., Outcome]
    _license_key: str

    # Inventory API 2.0 (§3). variants.get shares the 1 req/s bucket of the single-variant functions;
    # only bulk.get has the 5 req/s "inventory_read" limit.

    def get_variant_inventory(self, manage_number: str, variant_id: str) -> InventoryRecord:
        """inventories.variants.get (§3): stock of one SKU; RmsNotFoundError (GE0014) when unknown."""
        path = _variant_path(manage_number, variant_id)
        outcome = self._request("inventory_write", "inventoryapi_2.0.variants.get", "GET", path)
        return parse_inventory(outcome.body)

    def upsert_variant_inventory(
        self, manage_number: str, variant_id: str, quantity: int, mode: str = "ABSOLUTE"
    ) -> None:
        """inventories.variants.upsert (§3): set (ABSOLUTE) or add to (RELATIVE) one SKU's stock.

        RMS does not check that the SKU exists (orphans vanish after ~24 h); verify with ``get_item``.
        """
        body = {"mode": _check_mode(mode), "quantity": int(quantity)}
        path = _variant_path(manage_number, variant_id)
        self._request(
            "inventory_write",
            "inventoryapi_2.0.variants.upsert",
            "PUT",
            path,
            json=body,
            idempotent=mode == "ABSOLUTE",
        )

    def bulk_get_inventories(self, pairs: Sequence[tuple[str, str]]) -> list[InventoryRecord]:
        """inventories.bulk.get (§3): stock of many SKUs, 1000 pairs per call; unknown pairs are absent."""
        records: list[InventoryRecord] = []
        for batch in chunks(unique((str(mn), str(vid)) for mn, vid in pairs), INVENTORY_GET_BATCH):
            body = {"inventories": [{"manageNumber": mn, "variantId": vid} for mn, vid in batch]}
            path = "/es/2.0/inventories/bulk-get"
            outcome = self._request("inventory_read", "inventoryapi_2.0.bulk.get", "POST", path, json=body)
            records.extend(parse_inventories(outcome.body))
        return records

    def bulk_upsert_inventories(self, updates: Sequence[InventoryUpdate]) -> None:
        """inventories.bulk.upsert (§3): up to 400 rows in ONE call, applied all-or-nothing (204 or 400).

        Splitting is left to the caller on purpose: only it knows how to record which part failed.
        Duplicate (manageNumber, variantId) pairs are rejected by RMS (IE1102).
        """
        if len(updates) > INVENTORY_UPSERT_MAX:
            raise ValueError(f"bulk upsert takes at most {INVENTORY_UPSERT_MAX} rows, got {len(updates)}")
        if not updates:
            return
        rows = [
            {
                "manageNumber": u.manage_number,
                "variantId": u.variant_id,
                "mode": _check_mode(u.mode),
                "quantity": int(u.quantity),
            }
            for u in updates
        ]
        relative = any(u.mode == "RELATIVE" for u in updates)
        self._request(
            "inventory_write",
            "inventoryapi_2.0.bulk.upsert",
            "POST",
            "/es/2.0/inventories/bulk-upsert",
            json={"inventories": rows},
            idempotent=not relative,
        )

    # Item API 2.0 (§4)

    def get_item(self, manage_number: str) -> RmsItem:
        """items.get (§4): one item with its SKUs; RmsNotFoundError (404 GE0014) when it does not exist."""
        outcome = self._request("items", "itemapi_2.0.items.get", "GET", _item_path(manage_number))
        return parse_item(outcome.body)

    def bulk_get_items(self, manage_numbers: Sequence[str]) -> list[RmsItem]:
        """items.bulk.get (§4): many items, 50 per call; unknown numbers are absent from the result."""
        items: list[RmsItem] = []
        for batch in chunks(unique(manage_numbers), ITEMS_GET_BATCH):
            body = {"manageNumbers": batch}
            outcome = self._request("items", "itemapi_2.0.items.bulk.get", "POST", "/es/2.0/items/bulk-get", json=body)
            items.extend(parse_bulk_items(outcome.body))
        return items

    def upsert_item(self, manage_number: str, body: dict[str, Any]) -> bool:
        """items.upsert (§4): full replace of one item; True when RMS created it (201), False on 204."""
        outcome = self._request("items", "itemapi_2.0.items.upsert", "PUT", _item_path(manage_number), json=body)
        return outcome.http_status == 201

    def patch_item(self, manage_number: str, body: dict[str, Any]) -> None:
        """items.patch (§4): change only the fields in ``body`` (objects merge, lists are replaced); 204."""
        self._request("items", "itemapi_2.0.items.patch", "PATCH", _item_path(manage_number), json=body)

    def search_items_page(self, *, cursor_mark: str = "*", hits: int = SEARCH_HITS, **filters: Any) -> ItemSearchPage:
        """items.search (§4), one page by cursorMark; ``filters`` in snake_case or camelCase.

        The index lags item edits by up to 24 h, and deleted items come back with only manageNumber.
        """
        params = {camel_case(k): _query_value(v) for k, v in filters.items() if v is not None}
        params.update(cursorMark=cursor_mark, hits=max(1, min(hits, SEARCH_HITS)))
        outcome = self._request("items", "itemapi_2.0.items.search", "GET", "/es/2.0/items/search", params=params)
        return parse_item_search(outcome.body)

    def search_items(self, **filters: Any) -> Iterator[RmsItem]:
        """items.search (§4), every page: walks ``cursorMark`` from ``*`` with 100 hits per call."""
        cursor = "*"
        while True:
            page = self.search_items_page(cursor_mark=cursor, **filters)
            yield from page.items
            if not page.items or not page.next_cursor_mark or page.next_cursor_mark == cursor:
                return
            cursor = page.next_cursor_mark

    # License management (§5)

    def get_license_expiry(self) -> datetime:
        """license.expiryDate.get (§5): when this licenseKey expires (keys live 90 days), as JST.

        The key travels in the query string as RMS requires; ``_request`` keeps it out of errors and logs.
        """
        path = "/es/1.0/license-management/license-key/expiry-date"
        outcome = self._request(
            "license", "license.expiryDate.get", "GET", path, params={"licenseKey": self._license_key}
        )
        expiry = parse_license_expiry(outcome.body)
        if expiry is None:
            raise RmsError("RMS license.expiryDate.get: no expiryDate in the response", http_status=outcome.http_status)
        return expiry
