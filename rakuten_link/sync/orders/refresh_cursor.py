"""Where the open-order refresh goes on: a cursor over the open orders in (ordered_at, id) order.

The refresh walks the open orders in passes: each run takes the next orders after the cursor, in the
order of the ``order_refresh_queue`` index, and wraps to the oldest when it reaches the newest (a new pass).
An order RMS returns unchanged is therefore not written at all: stamping a refresh time on each of the
6,000 orders a run asks, to rotate a queue kept in ``refreshed_at`` order, rewrote 6,000 rows and their
18 index entries (0.4–0.6 s of PostgreSQL's time at 300,000 orders) for orders that had not changed.

The cursor keeps (ordered_at, id) of the last order asked, moved after each batch, so a run cut short
resumes where it stopped; orders sharing a second are neither skipped nor asked twice in a pass. New orders
arrive at the end of the walk, where the pass reaches them; the intake has just read them anyway.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import EcAccount
from rakuten_link.models import JobKind, SyncCursor
from rakuten_link.sync.orders.batch import Stored, stored_of

IN_QUEUE_ORDER = ("ordered_at", "pk")  # the order_refresh_queue index's


def next_in_turn(account: EcAccount, pending: QuerySet, limit: int) -> list[Stored]:
    """The next ``limit`` orders of ``pending`` after the cursor, then from the oldest again (a new pass,
    whose start is kept for the account page). Two reads at most, each along the index, never a sort."""
    cursor = SyncCursor.objects.filter(account=account, kind=JobKind.OPEN_ORDERS).first()
    rows: list[Stored] = []
    if cursor is not None and cursor.position_id is not None:
        after = Q(ordered_at__gt=cursor.position) | Q(ordered_at=cursor.position, pk__gt=cursor.position_id)
        rows = [Stored(*row) for row in stored_of(pending.filter(after).order_by(*IN_QUEUE_ORDER))[:limit]]
    if len(rows) < limit:
        taken = {row.pk for row in rows}
        again = stored_of(pending.order_by(*IN_QUEUE_ORDER))[:limit - len(rows)]
        rows += [Stored(*row) for row in again if row[0] not in taken]
        start_pass(account)
    return rows


def start_pass(account: EcAccount) -> None:
    now = timezone.now()
    if not SyncCursor.objects.filter(account=account, kind=JobKind.OPEN_ORDERS).update(lap_started_at=now):
        SyncCursor.objects.get_or_create(account=account, kind=JobKind.OPEN_ORDERS,
                                         defaults={"position": now, "lap_started_at": now})


def move_past(account: EcAccount, order: Stored) -> None:
    """After a batch: the next run starts after ``order`` (one UPDATE of one narrow row)."""
    SyncCursor.objects.filter(account=account, kind=JobKind.OPEN_ORDERS).update(
        position=order.ordered_at, position_id=order.pk)


def pass_started(account: EcAccount):
    """When the current pass over the open orders began (None before the first run)."""
    return (SyncCursor.objects.filter(account=account, kind=JobKind.OPEN_ORDERS)
            .values_list("lap_started_at", flat=True).first())
