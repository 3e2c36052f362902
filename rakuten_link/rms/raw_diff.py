"""Which parts of a raw RMS order changed between two fetches, beyond the fields the sync maps.

The sync compares the fields it maps on our models; everything else RMS sends (memo, shipping rows, coupons,
change reasons…) is compared here on the raw OrderModel JSON and named by its RMS path
(``raw:PackageModelList[1].ShippingModelList[5].shippingNumber``). Lists are matched by the key RMS
identifies their elements by. Kept inside rms/ because it is all RMS structure; Django-free.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

# Lists whose elements RMS identifies by a key; others are compared by position.
LIST_KEYS = {
    "PackageModelList": "basketId",
    "ItemModelList": "itemDetailId",
    "ShippingModelList": "shippingDetailId",
    "CouponModelList": "couponCode",
    "ChangeReasonModelList": "changeId",
    "TaxSummaryModelList": "taxRate",
    "DueDateModelList": "dueDateType",
}
_PERSON = ("familyName", "firstName", "familyNameKana", "firstNameKana", "emailAddress", "phoneNumber1",
           "phoneNumber2", "phoneNumber3", "zipCode1", "zipCode2", "prefecture", "city", "subAddress")
_PKG = ("PackageModelList",)
_ITEM = (*_PKG, "ItemModelList")
# RMS paths (list keys left out) that the model comparison already reports.
MAPPED_PATHS = frozenset({
    *[(k,) for k in ("orderProgress", "subStatusId", "subStatusName", "orderDatetime", "shopOrderCfmDatetime",
                     "orderFixDatetime", "shippingCmplRptDatetime", "goodsPrice", "goodsTax", "postagePrice",
                     "deliveryPrice", "paymentCharge", "couponAllTotalPrice", "totalPrice", "requestPrice",
                     "remarks", "TaxSummaryModelList")],
    ("SettlementModel", "settlementMethodCode"), ("SettlementModel", "settlementMethod"), ("PointModel", "usedPoint"),
    *[("OrdererModel", k) for k in _PERSON],
    *[(*_PKG, k) for k in ("basketId", "postagePrice", "deliveryPrice", "goodsPrice", "totalPrice",
                           "defaultDeliveryCompanyCode", "packageDeleteFlag")],
    *[(*_PKG, "SenderModel", k) for k in _PERSON],
    *[(*_ITEM, k) for k in ("itemDetailId", "manageNumber", "itemNumber", "selectedChoice", "itemName", "price",
                            "units", "taxRate", "deleteItemFlag", "SkuModelList")],
})
# Lists whose added/removed elements the model comparison reports (packages and lines).
MAPPED_ELEMENTS = frozenset({_PKG, _ITEM})

def raw_differences(old: Any, new: Any) -> list[tuple[str, Any, Any]]:
    """(path, old value, new value) for every RMS field the model comparison does not already report."""
    found: list[tuple[str, Any, Any]] = []
    _walk(old, new, [], (), found)
    return found


def _walk(old: Any, new: Any, path: list[str], norm: tuple[str, ...], found: list[tuple[str, Any, Any]]) -> None:
    if isinstance(old, dict) and isinstance(new, dict):
        for key in dict.fromkeys([*old, *new]):
            _walk(old.get(key), new.get(key), [*path, key], (*norm, key), found)
    elif isinstance(old, list) and isinstance(new, list) and norm and norm[-1] in LIST_KEYS:
        _walk_list(old, new, path, norm, found)
    elif not same_value(old, new) and not _covered(norm):
        found.append((_path_text(path), old, new))


def _walk_list(old: list[Any], new: list[Any], path: list[str], norm: tuple[str, ...],
               found: list[tuple[str, Any, Any]]) -> None:
    old_items, new_items = _keyed(old, LIST_KEYS[norm[-1]]), _keyed(new, LIST_KEYS[norm[-1]])
    for key in dict.fromkeys([*old_items, *new_items]):
        element_path = [*path, f"[{key}]"]
        if key in old_items and key in new_items:
            _walk(old_items[key], new_items[key], element_path, norm, found)
        elif norm not in MAPPED_ELEMENTS and not _covered(norm):
            found.append((_path_text(element_path), old_items.get(key), new_items.get(key)))


def _keyed(items: list[Any], key: str) -> dict[str, Any]:
    if all(isinstance(i, dict) and i.get(key) is not None for i in items):
        return {str(i[key]): i for i in items}
    return {str(position): i for position, i in enumerate(items)}


def _covered(norm: tuple[str, ...]) -> bool:
    return any(norm[:size] in MAPPED_PATHS for size in range(1, len(norm) + 1))


def same_value(old: Any, new: Any) -> bool:
    """Equal, or both empty (RMS sends null and "" for the same absence)."""
    return old == new or (old in (None, "") and new in (None, ""))


def _path_text(path: Sequence[str]) -> str:
    text = "".join(segment if segment.startswith("[") else f".{segment}" for segment in path).lstrip(".")
    return f"raw:{text}"[:100]
