"""Stock semantics change: units held by open orders are counted on the shelf (on_hand) and in allocated.

Before, an allocation lowered on_hand, so on_hand was the free stock and a stocktake of the shelf made held
units sellable again. After, on_hand is the physical count and allocated what open orders hold. For every
(store, SKU), what Rakuten may sell stays the same: on_hand_new − allocated = (on_hand_old + held) − held.

- Old allocation and release movements get their allocated_change (the negative of their on_hand change).
- Units still held by open orders are added back to on_hand and become allocated (one conversion movement
  per stock level).
- Units held by orders that already shipped (or were finished) had left on_hand at allocation time: a
  conversion shipment with no on_hand change closes what their lines hold, with the line's own ship key,
  so a later "shipped" never consumes them a second time.
"""

from collections import defaultdict

from django.db import migrations, models
from django.db.models import F

ACTIVE = ("new", "allocated", "needs_attention")
PREFIX = "order-line:"
NOTE = "stock semantics conversion"


def _parse(key):
    account, number, detail, _verb, _store_word, store = key[len(PREFIX):].split(":")[:6]
    return int(account), number, int(detail), int(store)


def forward(apps, schema_editor):
    StockLevel = apps.get_model("inventory", "StockLevel")
    StockMovement = apps.get_model("inventory", "StockMovement")
    Order = apps.get_model("orders", "Order")
    OrderLine = apps.get_model("orders", "OrderLine")
    StockMovement.objects.filter(kind__in=("order_allocation", "order_release")).update(
        allocated_change=-F("quantity"))
    held = defaultdict(int)  # (account, number, detail, store) -> units
    sku_of = {}
    for key, change, sku_id in StockMovement.objects.filter(idempotency_key__startswith=PREFIX).values_list(
            "idempotency_key", "allocated_change", "sku_id"):
        ident = _parse(key)
        held[ident] += change
        sku_of[ident] = sku_id
    states = {(a, n): s for a, n, s in Order.objects.values_list("account_id", "order_number", "state")}
    active_held = defaultdict(int)  # (store, sku) -> units
    shipped = []
    for ident, units in held.items():
        if units <= 0:
            continue
        account, number, detail, store = ident
        if states.get((account, number)) in ACTIVE:
            active_held[(store, sku_of[ident])] += units
        else:
            shipped.append((ident, units))
    levels = {(lv.store_id, lv.sku_id): lv for lv in StockLevel.objects.all()}
    for (store, sku), units in active_held.items():
        level = levels[(store, sku)]
        level.on_hand += units
        level.allocated += units
        level.save(update_fields=["on_hand", "allocated"])
        StockMovement.objects.create(store_id=store, sku_id=sku, kind="adjustment", quantity=units,
                                     on_hand_after=level.on_hand, allocated_change=0, allocated_after=level.allocated,
                                     note=f"{NOTE}: units held by open orders are on the shelf")
    for (account, number, detail, store), units in shipped:
        level = levels.get((store, sku_of[(account, number, detail, store)]))
        StockMovement.objects.create(
            store_id=store, sku_id=sku_of[(account, number, detail, store)], kind="order_shipment", quantity=0,
            on_hand_after=level.on_hand if level else 0, allocated_change=-units,
            allocated_after=level.allocated if level else 0, reference=number[:100],
            idempotency_key=f"{PREFIX}{account}:{number}:{detail}:ship:store:{store}",
            note=f"{NOTE}: shipped before (on hand already lowered)")
        OrderLine.objects.filter(order__account_id=account, order__order_number=number,
                                 item_detail_id=detail).update(shipped_units=F("shipped_units") + units)


def backward(apps, schema_editor):
    StockLevel = apps.get_model("inventory", "StockLevel")
    StockMovement = apps.get_model("inventory", "StockMovement")
    for level in StockLevel.objects.filter(allocated__gt=0):
        level.on_hand -= level.allocated
        level.allocated = 0
        level.save(update_fields=["on_hand", "allocated"])
    StockMovement.objects.filter(note__startswith=NOTE).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("orders", "0004_order_refreshed_at"),
        ("inventory", "0002_stock_allocated"),
    ]

    operations = [
        migrations.AddField(
            model_name="orderline",
            name="shipped_units",
            field=models.PositiveIntegerField(default=0, verbose_name="shipped units"),
        ),
        migrations.RunPython(forward, backward),
    ]
