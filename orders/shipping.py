"""Shipments made here: recording a parcel, correcting or deleting it, and its report state.

Recording the first parcel of a package is when its goods leave the shelf: what the package's lines hold is
shipped from the store the parcel left from (``orders.services.ship_lines``, idempotent per line and store),
and once every package has a parcel the order is shipped. Telling the marketplace is a separate, retried
step (the marketplace's report job), which records what each report came to through one call here,
``settle_report``, with an ``Outcome`` per shipment: the report fields have no other writer.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from itertools import groupby

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from inventory.models import Store

from . import timeline
from .models import MAX_SHIPMENTS_PER_PACKAGE, EventKind, Order, OrderPackage, OrderState, ReportState, Shipment
from .models.shipment import normalize_tracking_number, validate_tracking_number
from .services import ship_package


class ShippingError(Exception):
    """A shipment that cannot be recorded (too many rows, a cancelled order, a package of another order)."""


@transaction.atomic
def record_shipment(*, package: OrderPackage, delivery_company: str, shipped_on: date, tracking_number: str = "",
                    store: Store | None = None, user=None) -> Shipment:
    """One parcel for one package; the package's goods leave ``store`` (or the stores holding them)."""
    tracking_number = _tracking_number(tracking_number)
    order = Order.objects.select_for_update().get(pk=package.order_id)
    if order.state == OrderState.CANCELLED:
        raise ShippingError(_("Order %(number)s is cancelled: nothing can be shipped.")
                            % {"number": order.order_number})
    if live_shipments(package).count() >= MAX_SHIPMENTS_PER_PACKAGE:
        raise ShippingError(_("Package %(basket)s already has %(max)d shipments, the most RMS accepts.")
                            % {"basket": package.basket_id, "max": MAX_SHIPMENTS_PER_PACKAGE})
    shipment = Shipment.objects.create(
        order=order, package=package, delivery_company=delivery_company, tracking_number=tracking_number,
        shipped_on=shipped_on, store=store, created_by=user if getattr(user, "pk", None) else None,
    )
    timeline.log([order], EventKind.SHIPMENT_RECORDED, data=_parcel(shipment), user=user)
    _ship_goods(order, package, store, user)
    return shipment


def ship_order(order: Order, *, delivery_company: str, shipped_on: date, tracking_number: str = "",
               store: Store | None = None, user=None) -> Shipment:
    """発送 in one step, for an order with one package."""
    packages = list(order.packages.all())
    if len(packages) != 1:
        raise ShippingError(_("Order %(number)s has %(n)d packages: add a shipment to each package instead.")
                            % {"number": order.order_number, "n": len(packages)})
    return record_shipment(package=packages[0], delivery_company=delivery_company, shipped_on=shipped_on,
                           tracking_number=tracking_number, store=store, user=user)


@transaction.atomic
def change_shipment(shipment: Shipment, *, delivery_company: str | None = None, tracking_number: str | None = None,
                    shipped_on: date | None = None, user=None) -> Shipment:
    """A correction: sent later as an update of the same marketplace row, never as a second row."""
    if tracking_number is not None:
        tracking_number = _tracking_number(tracking_number)
    shipment = Shipment.objects.select_for_update().get(pk=shipment.pk)
    if delivery_company is not None:
        shipment.delivery_company = delivery_company
    if tracking_number is not None:
        shipment.tracking_number = tracking_number
    if shipped_on is not None:
        shipment.shipped_on = shipped_on
    if shipment.needs_report and shipment.report_state != ReportState.SENDING:
        shipment.report_state = ReportState.PENDING
    shipment.save()
    timeline.log([_order_of(shipment)], EventKind.SHIPMENT_CORRECTED, data=_parcel(shipment), user=user)
    return shipment


def _tracking_number(value: str) -> str:
    """The number as stored, or ShippingError: whoever calls (a form, the CSV, a command), no other gets past."""
    value = normalize_tracking_number(value)
    try:
        validate_tracking_number(value)
    except ValidationError as exc:
        raise ShippingError(" ".join(exc.messages)) from None
    return value


@transaction.atomic
def delete_shipment(shipment: Shipment, *, user=None) -> None:
    """Never reported: the row goes. Reported: it is marked deleted, and the deletion is reported."""
    shipment = Shipment.objects.select_for_update().get(pk=shipment.pk)
    if user is not None:  # the report job also deletes what RMS never held: that is no step of the order
        timeline.log([_order_of(shipment)], EventKind.SHIPMENT_DELETED, data=_parcel(shipment), user=user)
    if not shipment.external_id and shipment.report_state != ReportState.SENDING:
        shipment.delete()
        return
    shipment.deleted = True
    if shipment.report_state != ReportState.SENDING:
        shipment.report_state = ReportState.PENDING
    shipment.save(update_fields=["deleted", "report_state", "updated_at"])


def live_shipments(package: OrderPackage):
    return Shipment.objects.filter(package=package, deleted=False)


@dataclass(frozen=True)
class Outcome:
    """What one report to the marketplace came to, for ``settle_report``: make one with a classmethod below."""

    kind: str
    external_id: str | int | None = None
    values: dict[str, str] | None = None
    text: str = ""  # the batch request (sending, submitted) or the marketplace's words (refused)

    @classmethod
    def sending(cls, request: str = "") -> Outcome:
        """Committed before the call: a worker that dies mid-call leaves 'sending', so the outcome is read back.

        ``request`` is "" for a call answered at once, or the batch request (``UNKNOWN_REQUEST`` until its id
        is known): a batch's results are awaited before the marketplace is read back.
        """
        return cls("sending", text=request)

    @classmethod
    def submitted(cls, request_id: str) -> Outcome:
        """The marketplace accepted the batch: its results are read with this id (this run or a later one)."""
        return cls("submitted", text=request_id)

    @classmethod
    def reported(cls, external_id: str | int | None = None) -> Outcome:
        """The marketplace holds the row as we hold it (or, for a deleted one, no longer holds it)."""
        return cls("reported", external_id=external_id)

    @classmethod
    def pending(cls) -> Outcome:
        """Not applied (or read back as not applied): sent again on the next run."""
        return cls("pending")

    @classmethod
    def refused(cls, error: str) -> Outcome:
        """Refused: staff see why on the shipment; nothing is retried until it changes."""
        return cls("refused", text=error)

    @classmethod
    def held(cls, external_id: str | int, values: dict[str, str]) -> Outcome:
        """Read back: the marketplace holds this row with ``values`` (a cut-off call's add, adopted)."""
        return cls("held", external_id=external_id, values=values)

    @classmethod
    def forgotten(cls) -> Outcome:
        """Deleted before the marketplace held it: there is nothing to tell, the row goes."""
        return cls("forgotten")

    @classmethod
    def recheck(cls) -> Outcome:
        """After an answer: a row staff changed while its call was in flight is reported once more."""
        return cls("recheck")


def settle_report(outcomes: Iterable[tuple[Shipment, Outcome]]) -> None:
    """The one call the marketplace side makes to record what its reports came to, in the order given.

    Neighbours with the same outcome are settled together (one UPDATE where the state allows it).
    """
    for outcome, group in groupby(outcomes, key=lambda pair: pair[1]):
        shipments = [shipment for shipment, _outcome in group]
        if outcome.kind in _BULK:
            _BULK[outcome.kind](shipments, outcome)
        else:
            for shipment in shipments:
                _EACH[outcome.kind](shipment, outcome)


def _mark_sending(shipments: list[Shipment], outcome: Outcome) -> None:
    now = timezone.now()
    Shipment.objects.filter(pk__in=[s.pk for s in shipments]).update(
        report_state=ReportState.SENDING, report_attempts=F("report_attempts") + 1, report_request=outcome.text,
        updated_at=now)
    for shipment in shipments:
        shipment.report_state = ReportState.SENDING
        shipment.report_attempts += 1
        shipment.report_request, shipment.updated_at = outcome.text, now


def _mark_submitted(shipments: list[Shipment], outcome: Outcome) -> None:
    Shipment.objects.filter(pk__in=[s.pk for s in shipments], report_state=ReportState.SENDING).update(
        report_request=outcome.text)
    for shipment in shipments:
        shipment.report_request = outcome.text


@transaction.atomic
def _mark_reported(shipment: Shipment, outcome: Outcome) -> None:
    values = {} if shipment.deleted else shipment.values
    fields = {"report_state": ReportState.REPORTED, "reported_values": values, "reported_at": timezone.now(),
              "report_error": "", "report_request": ""}
    if outcome.external_id is not None:
        fields["external_id"] = str(outcome.external_id)
    Shipment.objects.filter(pk=shipment.pk).update(**fields)
    for name, value in fields.items():
        setattr(shipment, name, value)
    timeline.log([_order_of(shipment)], EventKind.SHIPMENT_REPORTED,
                 data={**_parcel(shipment), "deleted": shipment.deleted, "external_id": shipment.external_id})


def _mark_pending(shipment: Shipment, outcome: Outcome) -> None:
    Shipment.objects.filter(pk=shipment.pk).update(report_state=ReportState.PENDING, report_request="")
    shipment.report_state, shipment.report_request = ReportState.PENDING, ""


@transaction.atomic
def _mark_refused(shipment: Shipment, outcome: Outcome) -> None:
    error = outcome.text[:2000]
    Shipment.objects.filter(pk=shipment.pk).update(report_state=ReportState.ERROR, report_error=error,
                                                   report_request="")
    shipment.report_state, shipment.report_error, shipment.report_request = ReportState.ERROR, error, ""
    timeline.log([_order_of(shipment)], EventKind.SHIPMENT_REFUSED, data=_parcel(shipment), message=error)


@transaction.atomic
def _mark_held(shipment: Shipment, outcome: Outcome) -> None:
    """Reported when the row matches what we hold, else pending again, so a correction or deletion goes out
    as an update of that row instead of a second row."""
    held = outcome.values or {}
    changed = shipment.deleted or shipment.values != held
    fields = {"external_id": str(outcome.external_id), "reported_values": held, "reported_at": timezone.now(),
              "report_error": "", "report_request": "",
              "report_state": ReportState.PENDING if changed else ReportState.REPORTED}
    Shipment.objects.filter(pk=shipment.pk).update(**fields)
    for name, value in fields.items():
        setattr(shipment, name, value)
    if not changed:
        timeline.log([_order_of(shipment)], EventKind.SHIPMENT_REPORTED,
                     data={**_parcel(shipment), "external_id": shipment.external_id})


def _forget(shipment: Shipment, outcome: Outcome) -> None:
    delete_shipment(shipment)  # no user: the report job's deletion is no step of the order


def _reopen_changed(shipments: list[Shipment], outcome: Outcome) -> None:
    """``change_shipment`` and ``delete_shipment`` leave a 'sending' row alone, and a reported row records
    what was sent, so a difference between the row now and what the marketplace accepted means one more
    report."""
    reopened = [s.pk for s in Shipment.objects.filter(pk__in=[s.pk for s in shipments],
                                                      report_state=ReportState.REPORTED)
                if _differs_from_report(s)]
    Shipment.objects.filter(pk__in=reopened, report_state=ReportState.REPORTED).update(
        report_state=ReportState.PENDING)
    for shipment in shipments:
        if shipment.pk in reopened:
            shipment.report_state = ReportState.PENDING


_BULK = {"sending": _mark_sending, "submitted": _mark_submitted, "recheck": _reopen_changed}
_EACH = {"reported": _mark_reported, "pending": _mark_pending, "refused": _mark_refused, "held": _mark_held,
         "forgotten": _forget}


def _differs_from_report(shipment: Shipment) -> bool:
    """A reported deletion has empty reported values; a deletion reported as a row still has them."""
    if shipment.deleted:
        return bool(shipment.external_id and shipment.reported_values)
    return shipment.values != shipment.reported_values


def _ship_goods(order: Order, package: OrderPackage, store: Store | None, user) -> None:
    """The package's lines ship from ``store``; the order is shipped when every package has a parcel."""
    all_lines = list(order.lines.select_related("sku"))
    unshipped = order.packages.exclude(pk__in=Shipment.objects.filter(order=order, deleted=False)
                                       .values("package_id"))
    ship_package(order, all_lines, [line for line in all_lines if line.package_id == package.pk], store=store,
                 complete=not unshipped.exclude(lines__isnull=True).exists(), user=user)


def _order_of(shipment: Shipment) -> Order:
    """The shipment's order as a key only: a timeline row needs no query to read the order."""
    return Order(pk=shipment.order_id)


def _parcel(shipment: Shipment) -> dict:
    """What the timeline shows of a parcel: carrier code, tracking number, date."""
    return {"carrier": shipment.delivery_company, "tracking": shipment.tracking_number,
            "shipped_on": str(shipment.shipped_on)}
