"""The one place that changes on_hand: every change is a StockMovement written in the same transaction."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from .models import MovementKind, Sku, StockLevel, StockMovement, Store
from .signals import stock_changed


class StockError(Exception):
    """A stock change that would break a rule (negative stock, unknown store or SKU)."""


@transaction.atomic
def apply_stock_movement(
    *,
    store: Store,
    sku: Sku,
    kind: str,
    quantity: int,
    reference: str = "",
    note: str = "",
    user=None,
    idempotency_key: str | None = None,
) -> StockMovement:
    """Add a signed quantity to one stock level and record why.

    The stock row is locked first, so concurrent movements serialise and none is lost; the
    idempotency key is checked under that lock, so a retried operation (an order fetched twice)
    returns the movement it already made instead of moving stock again.
    """
    if kind not in MovementKind.values:
        raise StockError(_("Unknown movement kind: %(kind)s") % {"kind": kind})
    level = _locked_level(store, sku)
    if idempotency_key:
        existing = StockMovement.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    new_on_hand = level.on_hand + quantity
    if new_on_hand < 0:
        raise StockError(
            _("Stock of %(sku)s in %(store)s would become negative (on hand %(on_hand)d, change %(qty)+d).")
            % {"sku": sku.code, "store": store.code, "on_hand": level.on_hand, "qty": quantity}
        )
    StockLevel.objects.filter(pk=level.pk).update(on_hand=new_on_hand)
    movement = StockMovement.objects.create(
        store=store,
        sku=sku,
        kind=kind,
        quantity=quantity,
        on_hand_after=new_on_hand,
        reference=reference,
        note=note,
        created_by=user if getattr(user, "pk", None) else None,
        idempotency_key=idempotency_key or None,
    )
    _notify_after_commit({sku.pk}, {store.pk})
    return movement


def set_stock_count(
    *, store: Store, sku: Sku, counted: int, kind: str = MovementKind.ADJUSTMENT, note: str = "", user=None
) -> StockMovement | None:
    """Record a physical count: the movement is the difference to what the system held."""
    if counted < 0:
        raise StockError(_("A counted quantity cannot be negative."))
    with transaction.atomic():
        level = _locked_level(store, sku)
        delta = counted - level.on_hand
        if delta == 0:
            return None
        return apply_stock_movement(store=store, sku=sku, kind=kind, quantity=delta, note=note, user=user)


def on_hand_by_sku(*, sku_ids: Iterable[int], store_ids: Iterable[int]) -> dict[int, int]:
    """Σ on_hand per SKU over the given stores, in one query."""
    from django.db.models import Sum

    rows = (
        StockLevel.objects.filter(sku_id__in=list(sku_ids), store_id__in=list(store_ids))
        .values("sku_id")
        .annotate(total=Sum("on_hand"))
    )
    return {row["sku_id"]: row["total"] or 0 for row in rows}


def _locked_level(store: Store, sku: Sku) -> StockLevel:
    level, _created = StockLevel.objects.select_for_update().get_or_create(store=store, sku=sku)
    return level


def _notify_after_commit(sku_ids: set[int], store_ids: set[int]) -> None:
    transaction.on_commit(lambda: stock_changed.send(sender=StockMovement, sku_ids=sku_ids, store_ids=store_ids))
