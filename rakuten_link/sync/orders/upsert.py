"""Write one getOrder batch (≤ 100 orders) in one transaction: new orders, changed orders, stock.

Queries are per batch, not per order: one read of the existing orders (locked), one of the mappings,
bulk inserts of orders, packages and lines, bulk updates of the allocation results. Stock movements go
one by one through the inventory ledger, which is the only writer of on_hand. Orders whose content hash
is unchanged cost nothing; changed ones record their differences as OrderChange rows.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import EcAccount
from inventory.models import Store
from lib.fastwrite import adopt_keys, insert_rows, update_rows
from orders import timeline
from orders.models import (
    AttentionReason,
    EventKind,
    Order,
    OrderChange,
    OrderLine,
    OrderPackage,
    OrderProgress,
    OrderState,
)
from orders.services import Entry, follow_marketplace, record_taken_in, snapshot, take_in
from orders.tax import tax_mismatch_reasons
from rakuten_link.rms import RmsOrder
from rakuten_link.sync.messages.queueing import (
    queue_cancelled_messages,
    queue_new_order_messages,
    withdraw_unsent_messages,
)
from rakuten_link.sync.orders.changes import diff_order
from rakuten_link.sync.orders.fields import MappedOrder, map_order
from rakuten_link.sync.orders.lines import RowWrites, sync_lines, sync_packages
from rakuten_link.sync.orders.matching import LineMatcher, payment_methods


@dataclass
class IntakeContext:
    """What every batch of one run needs: the account, its stores and its payment mappings (read once)."""

    account: EcAccount
    stores: list[Store]
    payments: dict[int, int]

    @classmethod
    def load(cls, account: EcAccount) -> IntakeContext:
        return cls(account, list(account.stores.all()), payment_methods(account))


@dataclass
class BatchOutcome:
    orders: list[Order] = field(default_factory=list)  # every order of the batch, as now stored
    created: list[Order] = field(default_factory=list)
    updated: list[Order] = field(default_factory=list)
    unchanged: int = 0
    changes: int = 0
    cancelled: int = 0
    unmatched: list[tuple[str, str, str, str]] = field(default_factory=list)
    unmapped_payments: list[tuple[str, int | None, str]] = field(default_factory=list)
    latest_ordered_at: datetime | None = None


def write_batch(
    ctx: IntakeContext, rms_orders: Sequence[RmsOrder], *, in_transaction: Callable[[BatchOutcome], None] | None = None
) -> BatchOutcome:
    """Upsert the batch; ``in_transaction`` runs inside the same commit (the fetch job moves its cursor there).

    A concurrent writer inserting the same new order first makes our insert fail on the unique key; the
    batch is then retried once and finds that order as existing.
    """
    mapped = list({o.order_number: map_order(o) for o in rms_orders if o.order_number}.values())
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                outcome = _write(ctx, mapped)
                if in_transaction is not None:
                    in_transaction(outcome)
                return outcome
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def _write(ctx: IntakeContext, mapped: list[MappedOrder]) -> BatchOutcome:
    outcome = BatchOutcome()
    numbers = [m.number for m in mapped]
    existing = {o.order_number: o for o in Order.objects.select_for_update().filter(
        account=ctx.account, order_number__in=numbers)} if numbers else {}
    for order in existing.values():
        order.account = ctx.account  # the account in hand: reading it (tax rounding, messages) costs no query
    fresh = [m for m in mapped if m.number not in existing]
    changed = [(existing[m.number], m) for m in mapped
               if m.number in existing and existing[m.number].content_hash != m.content_hash]
    outcome.unchanged = len(mapped) - len(fresh) - len(changed)
    _remember_digests([(existing[m.number], m) for m in mapped if m.number in existing
                       and existing[m.number].content_hash == m.content_hash])
    to_match = [*fresh, *(m for _order, m in changed)]
    matcher = LineMatcher.load(ctx.account, {line.fields["manage_number"] for m in to_match for line in m.lines})
    if fresh:
        _create(ctx, fresh, matcher, outcome)
    if changed:
        _update(ctx, changed, matcher, outcome)
    _mark_refreshed(list(existing.values()))
    outcome.orders = [existing[m.number] for m in mapped if m.number in existing] + outcome.created
    dates = [m.fields["ordered_at"] for m in mapped]
    outcome.latest_ordered_at = max(dates) if dates else None
    return outcome


def _create(ctx: IntakeContext, fresh: list[MappedOrder], matcher: LineMatcher, outcome: BatchOutcome) -> None:
    """Allocate first, on unsaved objects, then insert orders, packages and lines with their final values."""
    entries: list[tuple[Order, list[OrderLine]]] = []
    packages: list[OrderPackage] = []
    for m in fresh:
        order = _new_order(ctx, m)
        order_packages = {p.basket_id: OrderPackage(order=order, **p.fields) for p in m.packages}
        packages += order_packages.values()
        lines = [OrderLine(order=order, package=order_packages.get(line.basket_id),
                           sku_id=_match(matcher, line.fields), **line.fields) for line in m.lines]
        entries.append((order, lines))
    take_in(entries, stores=ctx.stores, extra_reasons=_reasons(entries))
    _insert_orders(ctx, [order for order, _l in entries], packages)
    insert_rows([line for _o, lines in entries for line in lines])  # no line is read back by pk here
    record_taken_in([order for order, _l in entries])
    _collect(entries, outcome)
    outcome.created.extend(order for order, _l in entries)
    queue_new_order_messages(entries)  # in the batch's commit: queued exactly once


def _insert_orders(ctx: IntakeContext, orders: list[Order], packages: list[OrderPackage]) -> None:
    """Insert orders and packages lean, then read their keys back by natural key (two queries).

    bulk_create's per-value compilation of ~45 order fields was the largest share of intake time.
    """
    insert_rows(orders)
    numbers = Order.objects.filter(account=ctx.account, order_number__in=[o.order_number for o in orders])
    adopt_keys(orders, dict(numbers.values_list("order_number", "pk")), lambda o: o.order_number)
    insert_rows(packages)
    rows = OrderPackage.objects.filter(order__in=[o.pk for o in orders]).values_list("order_id", "basket_id", "pk")
    adopt_keys(packages, {(order, basket): pk for order, basket, pk in rows}, lambda p: (p.order.pk, p.basket_id))


def _new_order(ctx: IntakeContext, m: MappedOrder) -> Order:
    order = Order(account=ctx.account, order_number=m.number, raw=m.raw, content_hash=m.content_hash,
                  raw_digest=m.raw_digest, refreshed_at=timezone.now(), **m.fields)
    order.payment_method_id = ctx.payments.get(m.fields["settlement_method_code"])
    return order


def _remember_digests(unchanged: list[tuple[Order, MappedOrder]]) -> None:
    """Give unchanged orders stored without a digest (or under another key order) the one RMS's data has now,
    so that the next refresh recognises them without a parse. Not a change of the order: no updated_at."""
    stale = [order for order, m in unchanged if order.raw_digest != m.raw_digest]
    for order, m in unchanged:
        order.raw_digest = m.raw_digest
    update_rows(stale, ["raw_digest"], touch=False)


def _mark_refreshed(orders: list[Order]) -> None:
    """Stamp every stored order RMS just returned, changed or not (one query): the refresh's rotation key."""
    if not orders:
        return
    now = timezone.now()
    Order.objects.filter(pk__in=[order.pk for order in orders]).update(refreshed_at=now)
    for order in orders:
        order.refreshed_at = now


def _update(ctx: IntakeContext, changed: list[tuple[Order, MappedOrder]], matcher: LineMatcher,
            outcome: BatchOutcome) -> None:
    ids = [order.pk for order, _m in changed]
    packages: defaultdict[int, dict[int, OrderPackage]] = defaultdict(dict)
    lines: defaultdict[int, dict[int, OrderLine]] = defaultdict(dict)
    for package in OrderPackage.objects.filter(order_id__in=ids):
        packages[package.order_id][package.basket_id] = package
    for line in OrderLine.objects.filter(order_id__in=ids).select_related("sku"):
        lines[line.order_id][line.item_detail_id] = line
    # What the database holds now, so that only rows whose allocation or state end up different are written.
    before = snapshot([(order, list(lines[order.pk].values())) for order, _m in changed])
    rows, entries, lines_changed, writes = [], [], set(), RowWrites()
    for order, m in changed:
        diff = diff_order(order, packages[order.pk], lines[order.pk], m)
        rows += [OrderChange(order=order, field=c.field, old_value=c.old, new_value=c.new) for c in diff.changes]
        _apply_fields(ctx, order, m)
        if diff.lines_changed:
            lines_changed.add(order.order_number)
        sync_packages(order, m, packages[order.pk], writes)
        entries.append((order, sync_lines(order, m, lines[order.pk], packages[order.pk], matcher, writes)))
    writes.flush()
    _save_fields(changed)
    OrderChange.objects.bulk_create(rows)
    timeline.write([timeline.event(order, EventKind.CHANGED, data={"changes": n})
                    for order, n in Counter(row.order for row in rows).items()])
    outcome.changes += len(rows)
    cancelling = {order.order_number for order, _l in entries if order.order_progress == OrderProgress.CANCELLED
                  and order.state != OrderState.CANCELLED}
    released = follow_marketplace(entries, stores=ctx.stores, before=before, lines_changed=lines_changed,
                                  extra_reasons=_reasons([e for e in entries if e[0].order_number not in cancelling]))
    # Nothing that was waiting goes out for a cancelled order; one fetched before and cancelled while it waited
    # tells its buyer once.
    withdraw_unsent_messages([order for order, _l in entries if order.order_number in cancelling])
    queue_cancelled_messages(list(released))
    outcome.cancelled += len(cancelling)
    _collect([e for e in entries if e[0].order_number not in cancelling], outcome)
    outcome.updated.extend(order for order, _m in changed)


def _apply_fields(ctx: IntakeContext, order: Order, m: MappedOrder) -> None:
    """The marketplace's fields, in memory (``_save_fields`` writes the batch's); our state and reasons follow
    in ``orders.services.follow_marketplace``."""
    for name, value in m.fields.items():
        setattr(order, name, value)
    order.payment_method_id = ctx.payments.get(m.fields["settlement_method_code"])
    order.raw, order.content_hash, order.raw_digest = m.raw, m.content_hash, m.raw_digest


def _save_fields(changed: list[tuple[Order, MappedOrder]]) -> None:
    """One prepared UPDATE for every changed order of the batch (they all carry the same marketplace fields)."""
    by_fields: defaultdict[tuple[str, ...], list[Order]] = defaultdict(list)
    for order, m in changed:
        by_fields[tuple(m.fields)].append(order)
    for names, orders in by_fields.items():
        update_rows(orders, [*names, "payment_method", "raw", "content_hash", "raw_digest"])


def _reasons(entries: Sequence[Entry]) -> dict[str, list[str]]:
    """Marketplace reasons re-derived at every intake: a pending cancellation, a tax summary out of step."""
    reasons = {}
    for order, lines in entries:
        found = tax_mismatch_reasons(order, lines)
        if order.order_progress == OrderProgress.CANCEL_PENDING:
            found.append(AttentionReason.CANCEL_PENDING.value)
        if found:
            reasons[order.order_number] = found
    return reasons


def _match(matcher: LineMatcher, fields: dict) -> int | None:
    return matcher.match(fields["manage_number"], fields["variant_id"], fields["selected_choice"], fields["sku_info"])


def _collect(entries: Sequence[Entry], outcome: BatchOutcome) -> None:
    """Remember what staff must hear about: lines without a SKU and settlement methods without a mapping."""
    for order, lines in entries:
        if order.state == OrderState.CANCELLED:
            continue
        for line in lines:
            if line.sku_id is None and not line.removed:
                outcome.unmatched.append((order.order_number, line.manage_number, line.variant_id, line.name))
        if order.payment_method_id is None and (order.settlement_method_code is not None
                                                or order.settlement_method_name):
            outcome.unmapped_payments.append(
                (order.order_number, order.settlement_method_code, order.settlement_method_name)
            )
