"""Stock movements and counts sent by a till, a warehouse or a spreadsheet.

Everything goes through inventory.services, the one writer of stock: the ledger gets its rows, a count
below what orders hold releases them (the lines become 欠品), and ``stock_changed`` after commit starts the
push to Rakuten exactly as for a change made in the admin. The token's user is the movements' author and
the audit entry's, so both name the token.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from inventory.models import MovementKind, StockLevel, StockMovement
from inventory.services import MovementSpec, StockError, apply_stock_movements, set_stock_counts
from lib.audit import record_action

from .idempotency import run_keyed
from .lookup import resolve
from .models import ApiToken
from .problems import ApiProblem, FieldError, invalid

KINDS = {"sale": MovementKind.POS_SALE, "return": MovementKind.POS_RETURN, "receipt": MovementKind.RECEIPT,
         "adjustment": MovementKind.ADJUSTMENT}


def post_movements(token: ApiToken, items: list[dict[str, Any]], request_key: str | None) -> dict[str, Any]:
    _check_quantities(items)
    skus, stores = resolve(token, items)

    def apply(indexes: list[int]) -> list[dict[str, Any]]:
        chosen = [items[i] for i in indexes]
        specs = [MovementSpec(stores[item["store"]], skus[item["sku"]], KINDS[item["kind"]], _signed(item),
                              reference=item.get("key") or request_key or "", note=_note(token, item),
                              user=token.user) for item in chosen]
        _refuse_negative(specs, indexes, chosen)
        try:
            moved = apply_stock_movements(specs)
        except StockError as exc:
            raise ApiProblem(409, "stock_rule", str(exc)) from None
        _audit(token, _("%(n)d stock movements") % {"n": len(moved)})
        return [_result(item, m.sku.code, m.store.code, m.kind, m.quantity, m.on_hand_after, m.allocated_after, m.pk)
                for item, m in zip(chosen, moved, strict=True)]

    return run_keyed(token, operation="movements", items=items, request_key=request_key, apply=apply)


def put_counts(token: ApiToken, items: list[dict[str, Any]], request_key: str | None) -> dict[str, Any]:
    skus, stores = resolve(token, items)
    _refuse_repeated_pairs(items, skus, stores)

    def apply(indexes: list[int]) -> list[dict[str, Any]]:
        chosen = [items[i] for i in indexes]
        counts = [(stores[item["store"]], skus[item["sku"]], item["quantity"]) for item in chosen]
        try:
            moved = set_stock_counts(counts, kind=MovementKind.ADJUSTMENT, note=_note(token, {"note": _("stocktake")}),
                                     user=token.user)
        except StockError as exc:
            raise ApiProblem(409, "stock_rule", str(exc)) from None
        by_pair = {(m.store_id, m.sku_id): m for m in moved}
        levels = {(lv.store_id, lv.sku_id): lv for lv in StockLevel.objects.filter(
            sku_id__in={sku.pk for _s, sku, _q in counts}, store_id__in={s.pk for s, _k, _q in counts})}
        _audit(token, _("stock counts: %(n)d lines, %(moved)d changed") % {"n": len(counts), "moved": len(moved)})
        results = []
        for item, (store, sku, _counted) in zip(chosen, counts, strict=True):
            level, movement = levels[(store.pk, sku.pk)], by_pair.get((store.pk, sku.pk))
            results.append(_result(item, sku.code, store.code, "count", movement.quantity if movement else 0,
                                   level.on_hand, level.allocated, movement.pk if movement else None))
        return results

    return run_keyed(token, operation="counts", items=items, request_key=request_key, apply=apply)


def _signed(item: dict[str, Any]) -> int:
    return -item["quantity"] if item["kind"] == "sale" else item["quantity"]


def _note(token: ApiToken, item: dict[str, Any]) -> str:
    return f"API {token.name}" + (f": {item['note']}" if item.get("note") else "")


def _result(item, sku, store, kind, quantity, on_hand, allocated, movement_id) -> dict[str, Any]:
    return {"key": item.get("key"), "sku": sku, "store": store, "kind": kind, "quantity": quantity,
            "on_hand": on_hand, "allocated": allocated, "available": on_hand - allocated,
            "movement_id": movement_id, "replayed": False}


def _check_quantities(items: list[dict[str, Any]]) -> None:
    """Sales, returns and receipts count units (at least 1); an adjustment is signed and never 0."""
    errors = []
    for index, item in enumerate(items):
        if item["kind"] == "adjustment" and item["quantity"] == 0:
            errors.append(FieldError("out_of_range", _("An adjustment of 0 changes nothing: leave the item out."),
                                     "quantity", index, item.get("key")))
        elif item["kind"] != "adjustment" and item["quantity"] < 1:
            errors.append(FieldError("out_of_range", _("Give the number of units, at least 1 (a %(kind)s takes "
                                                       "no sign).") % {"kind": item["kind"]},
                                     "quantity", index, item.get("key")))
    if errors:
        raise invalid(errors)


def _refuse_negative(specs: list[MovementSpec], indexes: list[int], chosen: list[dict[str, Any]]) -> None:
    """Name the item that would take a shelf below zero (the service would refuse the batch without saying which)."""
    levels = {(lv.store_id, lv.sku_id): lv.on_hand for lv in StockLevel.objects.filter(
        sku_id__in={s.sku.pk for s in specs}, store_id__in={s.store.pk for s in specs})}
    errors = []
    for index, item, spec in zip(indexes, chosen, specs, strict=True):
        after = levels.get(spec.pair, 0) + spec.quantity
        levels[spec.pair] = after
        if after < 0:
            errors.append(FieldError("negative_stock", _("%(sku)s in %(store)s would fall to %(after)d: only "
                                                         "%(have)d on hand.")
                                     % {"sku": spec.sku.code, "store": spec.store.code, "after": after,
                                        "have": after - spec.quantity}, "quantity", index, item.get("key")))
    if errors:
        raise ApiProblem(409, "negative_stock", errors[0].detail, errors)


def _refuse_repeated_pairs(items, skus, stores) -> None:
    seen: dict[tuple[int, int], int] = {}
    errors = []
    for index, item in enumerate(items):
        pair = (stores[item["store"]].pk, skus[item["sku"]].pk)
        if pair in seen:
            errors.append(FieldError("duplicate_item", _("Item %(n)d already counts this SKU in this store.")
                                     % {"n": seen[pair]}, "sku", index, item.get("key")))
        seen.setdefault(pair, index)
    if errors:
        raise invalid(errors)


def _audit(token: ApiToken, what: str) -> None:
    record_action(token.user, None, _("API %(token)s: %(what)s") % {"token": token.name, "what": what},
                  model=StockMovement)
