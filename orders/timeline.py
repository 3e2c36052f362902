"""The order timeline's one writer: who did it (a person, or a job), and the rows a transition leaves.

A transition adds its rows in the transaction that makes it, in bulk (one INSERT for a whole batch of
orders), and ``order_events`` goes out only after that commit. Who acted is passed in (``user=``) by staff
actions; a background job sets it once for everything it does (``acting(job=...)``, the job runner), so the
functions deep in a fetch need no extra parameter.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from lib.fastwrite import insert_values

from .models import EventKind, Order, OrderEvent, OrderState
from .signals import order_events, order_steps


@dataclass
class Names:
    """Job codes (e.g. "orders") and carrier codes to names, for the timeline's reader. The app that runs the
    jobs and owns the carrier table fills these in at start-up (orders cannot import it).
    """

    jobs: dict[str, Any] = field(default_factory=dict)
    carrier: Callable[[str], str] = str


NAMES = Names()


@dataclass(frozen=True)
class Actor:
    user: Any = None
    job: str = ""


_actor: ContextVar[Actor | None] = ContextVar("order_actor", default=None)


@contextmanager
def acting(*, user=None, job: str = ""):
    """Everything written to the timeline inside the block is by ``user`` (a staff member) or ``job``."""
    token = _actor.set(Actor(user if getattr(user, "pk", None) else None, job))
    try:
        yield
    finally:
        _actor.reset(token)


@dataclass(slots=True)
class Step:
    """One timeline row before it is written (a plain object: a batch builds thousands of them)."""

    order: Order
    kind: str
    user: Any
    job: str
    data: dict
    message: str


COLUMNS = ("order", "at", "kind", "user", "job", "data", "message")
PLAIN = ("order", "kind", "user", "job", "message")  # written as they are: keys and strings


def event(order: Order, kind: str, *, message: str = "", data: dict | None = None, user=None) -> Step:
    """A row for ``order`` (which may not be saved yet either: its key is taken when written)."""
    actor = Actor(user, "") if getattr(user, "pk", None) else (_actor.get() or Actor())
    return Step(order, kind, actor.user, actor.job, data or {}, message)


def write(steps: Sequence[Step]) -> None:
    """Insert the rows (one statement, all stamped with this moment) and announce them once the transaction
    commits. Rows of one write keep their order by key.
    """
    if not steps:
        return
    now = timezone.now()
    insert_values(OrderEvent, COLUMNS, [(s.order.pk, now, str(s.kind), getattr(s.user, "pk", None), s.job, s.data,
                                         s.message) for s in steps], plain=PLAIN)
    # A step of an order is a change of it: followers of changed orders (the API's order feed) go by updated_at.
    Order.objects.filter(pk__in={s.order.pk for s in steps}).update(updated_at=now)
    sent = [(s.order.pk, s.kind) for s in steps]
    if order_steps.has_listeners():
        order_steps.send(sender=OrderEvent, steps=[(s.order.pk, str(s.kind), s.data) for s in steps])
    transaction.on_commit(lambda: order_events.send(sender=OrderEvent, events=sent))


def log(orders: Iterable[Order], kind: str, *, message: str = "", data: dict | None = None, user=None) -> None:
    """The same step for several orders (confirmed together, one shipment report)."""
    write([event(order, kind, message=message, data=data, user=user) for order in orders])


def explain(order: Order, kind: str, message: str) -> None:
    """Add the why to the newest ``kind`` row that has none (a cancellation the re-read made, then its reason)."""
    row = OrderEvent.objects.filter(order=order, kind=kind, message="").order_by("-at", "-id").first()
    if row is not None:
        OrderEvent.objects.filter(pk=row.pk).update(message=message)


def moves(order: Order, *, new: bool = False, user=None, message: str = "") -> list[Step]:
    """Rows for what changed in the order's state and reasons since it was read (or last written).

    A ``new`` order (just inserted) gets a row saying it was fetched, with the marketplace's status.
    ``message`` goes on the row of the state change (a cancellation's reason).
    """
    old_state, old_reasons = order.stored_state or (None, ())
    new_reasons = tuple(order.attention_reasons)
    rows = []
    if new:
        rows.append(event(order, EventKind.FETCHED, data={"progress": order.order_progress}, user=user))
    cleared = [r for r in old_reasons if r not in new_reasons]
    raised = [r for r in new_reasons if r not in old_reasons]
    if cleared:
        rows.append(event(order, EventKind.ATTENTION_CLEARED, data={"reasons": cleared}, user=user))
    if raised:
        rows.append(event(order, EventKind.ATTENTION_RAISED, data={"reasons": raised}, user=user))
    if order.state != old_state and order.state in STATE_EVENTS:
        rows.append(event(order, STATE_EVENTS[OrderState(order.state)], message=message, user=user))
    order.stored_state = (order.state, new_reasons)
    return rows


STATE_EVENTS = {OrderState.ALLOCATED: EventKind.ALLOCATED, OrderState.SHIPPED: EventKind.SHIPPED,
                OrderState.CANCELLED: EventKind.CANCELLED}
