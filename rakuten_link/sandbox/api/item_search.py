"""items.search: partial-match filters, sorting, and offset or cursorMark paging.

Cursor semantics follow Solr, which RMS's search sits on: start with `cursorMark=*`; each answer
carries `nextCursorMark`; when it equals the mark you sent, there is nothing more. Cursor mode
always sorts by `updated` desc (sort parameters → IE1004). In offset mode `nextCursorMark` is null;
in cursor mode `offset` is null.
"""

from __future__ import annotations

import base64
import copy
import json
from typing import Any

from ..http import Request, rest_error

PARTIAL_FILTERS = ("title", "tagline", "manageNumber", "itemNumber")
VARIANT_FILTERS = ("variantId", "merchantDefinedSkuId")
SORT_KEYS = ("updated", "created", "manageNumber", "itemNumber")
MAX_HITS = 100
DEFAULT_HITS = 10
MAX_OFFSET = 10_000


def _int_param(request: Request, name: str, default: int, low: int, high: int) -> int:
    text = request.param(name)
    if text in (None, ""):
        return default
    if not text.isdigit() or not low <= int(text) <= high:
        raise rest_error(400, "IE0002", f"{name} must be between {low} and {high}.", name)
    return int(text)


def _matches(item: dict[str, Any], request: Request) -> bool:
    for name in PARTIAL_FILTERS:
        wanted = request.param(name)
        if wanted and wanted.lower() not in str(item.get(name, "")).lower():
            return False
    variants = item.get("variants") or {}
    for name in VARIANT_FILTERS:
        wanted = request.param(name)
        if not wanted:
            continue
        values = variants.keys() if name == "variantId" else [str(v.get(name) or "") for v in variants.values()]
        if not any(wanted.lower() in value.lower() for value in values):
            return False
    hidden = request.param("isHiddenItem")
    if hidden in ("true", "false") and bool(item.get("hideItem")) != (hidden == "true"):
        return False
    exact = {name: request.param(name) for name in ("itemType", "genreId")}
    return all(not wanted or str(item.get(name)) == wanted for name, wanted in exact.items())


def _encode_cursor(item: dict[str, Any]) -> str:
    raw = json.dumps([item["updated"], item["manageNumber"]]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(mark: str) -> tuple[str, str]:
    try:
        updated, manage_number = json.loads(base64.urlsafe_b64decode(mark + "=" * (-len(mark) % 4)))
        return str(updated), str(manage_number)
    except (ValueError, TypeError):
        raise rest_error(400, "IE0002", "cursorMark is invalid.", "cursorMark") from None


def search_items(items: list[dict[str, Any]], request: Request) -> dict[str, Any]:
    """The items.search response body for `request`'s query parameters."""
    hits = _int_param(request, "hits", DEFAULT_HITS, 1, MAX_HITS)
    mark = request.param("cursorMark")
    if mark is not None and request.param("offset") is not None:
        raise rest_error(400, "IE1003", "offset and cursorMark cannot be specified together.")
    if mark is not None and (request.param("sortKey") or request.param("sortOrder")):
        raise rest_error(400, "IE1004", "sortKey and sortOrder cannot be specified with cursorMark.")
    found = [item for item in items if _matches(item, request)]
    if mark is not None:
        return _cursor_page(found, mark, hits)
    offset = _int_param(request, "offset", 0, 0, MAX_OFFSET)
    key = request.param("sortKey") or "updated"
    order = request.param("sortOrder") or "desc"
    if key not in SORT_KEYS or order not in ("asc", "desc"):
        raise rest_error(400, "IE0002", "sortKey or sortOrder is invalid.", "sortKey")
    found.sort(key=lambda item: (str(item.get(key) or ""), item["manageNumber"]), reverse=order == "desc")
    page = found[offset : offset + hits]
    return {"numFound": len(found), "offset": offset, "nextCursorMark": None, "results": _results(page)}


def _cursor_page(found: list[dict[str, Any]], mark: str, hits: int) -> dict[str, Any]:
    found.sort(key=lambda item: (item["updated"], item["manageNumber"]), reverse=True)
    if mark != "*":
        position = _decode_cursor(mark)
        found_after = [item for item in found if (item["updated"], item["manageNumber"]) < position]
    else:
        found_after = found
    page = found_after[:hits]
    next_mark = _encode_cursor(page[-1]) if page else mark
    return {"numFound": len(found), "offset": None, "nextCursorMark": next_mark, "results": _results(page)}


def _results(page: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"item": copy.deepcopy(item)} for item in page]
