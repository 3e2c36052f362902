"""The order page's shipping panel and the forms it posts to: 注文確認, 発送, shipments per package, キャンセル.

Each form posts to its own admin URL (``shipping_urls``). The view checks the right to change orders before
anything else (403), does one thing through ``orders.shipping`` or ``rakuten_link.shipping.actions``, writes
an audit entry and goes back to the order page with a message; a refusal (ShippingError, RMS) is an error
message and nothing changed. The panel sits above the read-only order form, not inside it: forms cannot nest.
"""

from __future__ import annotations

from collections import defaultdict
from functools import partial

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _

from lib.adminviews import render_admin_form
from lib.audit import record_action
from orders.models import (
    MAX_SHIPMENTS_PER_PACKAGE,
    Order,
    OrderPackage,
    OrderProgress,
    OrderState,
    ReportState,
    Shipment,
)
from orders.shipping import ShippingError, change_shipment, delete_shipment, record_shipment, ship_order
from rakuten_link.rms.codes import DELIVERY_COMPANIES, carrier_name
from rakuten_link.shipping.actions import CANCELLABLE, cancel_order_in_rms, confirm_orders_in_rms
from rakuten_link.shipping.forms import CancelForm, ShipmentForm, error_lines

SHIP_PREFIX = "ship"


def shipping_urls(model_admin) -> list:
    def wrap(view):
        return model_admin.admin_site.admin_view(partial(view, model_admin))

    # The longer routes first: "<path:object_id>/ship/" would also match ".../packages/<id>/ship/".
    return [
        path("<path:object_id>/packages/<int:package_id>/ship/", wrap(add_shipment_view),
             name="orders_order_add_shipment"),
        path("<path:object_id>/shipments/<int:shipment_id>/change/", wrap(change_shipment_view),
             name="orders_order_change_shipment"),
        path("<path:object_id>/shipments/<int:shipment_id>/delete/", wrap(delete_shipment_view),
             name="orders_order_delete_shipment"),
        path("<path:object_id>/confirm/", wrap(confirm_view), name="orders_order_confirm"),
        path("<path:object_id>/ship/", wrap(ship_view), name="orders_order_ship"),
        path("<path:object_id>/cancel/", wrap(cancel_view), name="orders_order_cancel"),
    ]


def confirm_view(model_admin, request, object_id: str):
    order = _order_for(model_admin, request, object_id)
    if request.method == "POST":
        _say(model_admin, request, confirm_orders_in_rms(order.account, [order], user=request.user).messages)
    return _back(order)


def cancel_view(model_admin, request, object_id: str):
    order = _order_for(model_admin, request, object_id)
    if request.method == "POST":
        form = CancelForm(request.POST)
        if form.is_valid():
            _say(model_admin, request, cancel_order_in_rms(order, form.cleaned_data["reason"], request.user).messages)
        else:
            _refuse(model_admin, request, error_lines(form))
    return _back(order)


def ship_view(model_admin, request, object_id: str):
    """発送: the whole order in one step, for an order with one package."""
    order = _order_for(model_admin, request, object_id)
    form = ShipmentForm(request.POST or None, prefix=SHIP_PREFIX, stores=_stores(order))
    if request.method == "POST" and _valid(model_admin, request, form):
        _record(model_admin, request, order, lambda: ship_order(order, user=request.user, **form.cleaned_data),
                _("Shipped the order in one step (発送): %(carrier)s."))
    return _back(order)


def add_shipment_view(model_admin, request, object_id: str, package_id: int):
    order = _order_for(model_admin, request, object_id)
    package = get_object_or_404(OrderPackage, pk=package_id, order=order)
    form = ShipmentForm(request.POST or None, prefix=_package_prefix(package), stores=_stores(order))
    if request.method == "POST" and _valid(model_admin, request, form):
        _record(model_admin, request, order,
                lambda: record_shipment(package=package, user=request.user, **form.cleaned_data),
                _("Shipment added to package %(basket)s: %(carrier)s."), basket=package.basket_id)
    return _back(order)


def change_shipment_view(model_admin, request, object_id: str, shipment_id: int):
    order = _order_for(model_admin, request, object_id)
    shipment = get_object_or_404(Shipment, pk=shipment_id, order=order, deleted=False)
    initial = {"delivery_company": shipment.delivery_company, "tracking_number": shipment.tracking_number,
               "shipped_on": shipment.shipped_on}
    form = ShipmentForm(request.POST or None, initial=initial, with_store=False)
    if request.method == "POST" and form.is_valid():
        change_shipment(shipment, user=request.user, **form.cleaned_data)
        record_action(request.user, order, _("Shipment of package %(basket)s corrected: %(carrier)s.")
                      % {"basket": shipment.package.basket_id, "carrier": _carrier(form.cleaned_data)})
        model_admin.message_user(request, _("Shipment corrected; RMS will be told at the next shipping report."),
                                 messages.SUCCESS)
        return _back(order)
    intro = _("Order %(number)s, package %(basket)s. A correction is sent to RMS as an update of the same "
              "shipping row.") % {"number": order.order_number, "basket": shipment.package.basket_id}
    return render_admin_form(request, model_admin, title=_("Correct a shipment"), form=form,
                             extra={"intro": intro, "submit_label": _("Save")})


def delete_shipment_view(model_admin, request, object_id: str, shipment_id: int):
    order = _order_for(model_admin, request, object_id)
    shipment = get_object_or_404(Shipment, pk=shipment_id, order=order, deleted=False)
    if request.method == "POST":
        basket = shipment.package.basket_id
        delete_shipment(shipment, user=request.user)
        record_action(request.user, order, _("Shipment of package %(basket)s deleted.") % {"basket": basket})
        model_admin.message_user(request, _("Shipment deleted."), messages.SUCCESS)
    return _back(order)


def shipping_panel(model_admin, request, order: Order) -> dict:
    """What the panel above the order form shows: actions for people who may change orders, rows for all."""
    may_change = model_admin.has_change_permission(request)
    open_order = order.state != OrderState.CANCELLED and order.order_progress != OrderProgress.CANCELLED
    packages = list(order.packages.all())
    shipments = defaultdict(list)
    for shipment in Shipment.objects.filter(order=order).select_related("store"):
        shipments[shipment.package_id].append(shipment)
    one_step = may_change and open_order and len(packages) == 1 and not any(
        not s.deleted for s in shipments[packages[0].pk])
    return {
        "order": order,
        "may_change": may_change,
        "packages": [_package_panel(order, p, shipments[p.pk], may_change and open_order and not one_step)
                     for p in packages],
        "ship_form": ShipmentForm(prefix=SHIP_PREFIX, stores=_stores(order),
                                  default_carrier=_default_carrier(packages[0])) if one_step else None,
        "ship_url": reverse("admin:orders_order_ship", args=[order.pk]),
        "confirm_url": reverse("admin:orders_order_confirm", args=[order.pk]) if may_change and open_order
        and order.order_progress == OrderProgress.AWAITING_CONFIRMATION else None,
        "cancel_form": CancelForm() if may_change and open_order and order.order_progress in CANCELLABLE else None,
        "cancel_url": reverse("admin:orders_order_cancel", args=[order.pk]),
    }


def _package_panel(order: Order, package: OrderPackage, shipments: list[Shipment], may_add: bool) -> dict:
    live = [s for s in shipments if not s.deleted]
    room = len(live) < MAX_SHIPMENTS_PER_PACKAGE
    return {
        "package": package,
        "shipments": [_shipment_row(order, s) for s in shipments if not s.deleted or s.needs_report],
        "form": ShipmentForm(prefix=_package_prefix(package), stores=_stores(order),
                             default_carrier=_default_carrier(package)) if may_add and room else None,
        "url": reverse("admin:orders_order_add_shipment", args=[order.pk, package.pk]),
        "full": may_add and not room,
    }


def _shipment_row(order: Order, shipment: Shipment) -> dict:
    return {
        "shipment": shipment,
        "carrier": carrier_name(shipment.delivery_company),
        "state": shipment.get_report_state_display(),
        "refused": shipment.report_state == ReportState.ERROR,
        "edit_url": reverse("admin:orders_order_change_shipment", args=[order.pk, shipment.pk]),
        "delete_url": reverse("admin:orders_order_delete_shipment", args=[order.pk, shipment.pk]),
    }


def _order_for(model_admin, request, object_id: str) -> Order:
    """The right to change orders first (403 before anything is looked up), then the order (404)."""
    if not model_admin.has_change_permission(request):
        raise PermissionDenied
    order = model_admin.get_object(request, unquote(object_id))
    if order is None:
        raise Http404
    return order


def _stores(order: Order) -> list:
    return list(order.account.stores.all())


def _default_carrier(package: OrderPackage) -> str:
    """The carrier the buyer's package names, when it is one RMS's table knows."""
    return package.default_delivery_company if package.default_delivery_company in DELIVERY_COMPANIES else ""


def _package_prefix(package: OrderPackage) -> str:
    return f"pkg{package.pk}"


def _carrier(data: dict) -> str:
    return f"{data['delivery_company']} {carrier_name(data['delivery_company'])}"


def _valid(model_admin, request, form) -> bool:
    if form.is_valid():
        return True
    _refuse(model_admin, request, error_lines(form))
    return False


def _record(model_admin, request, order: Order, make, detail: str, **params) -> None:
    """Record a parcel; a refusal (cancelled order, 20 rows already) is a message and nothing changes."""
    try:
        shipment = make()
    except ShippingError as exc:
        _refuse(model_admin, request, [str(exc)])
        return
    record_action(request.user, order, detail % {**params, "carrier": _carrier(shipment.values)})
    model_admin.message_user(request, _("Shipment recorded for order %(number)s; RMS will be told at the next "
                                        "shipping report.") % {"number": order.order_number}, messages.SUCCESS)


def _refuse(model_admin, request, lines: list[str]) -> None:
    model_admin.message_user(request, _("Nothing was changed: %(errors)s") % {"errors": " / ".join(lines)},
                             messages.ERROR)


def _say(model_admin, request, items) -> None:
    for level, text in items:
        model_admin.message_user(request, text, level)


def _back(order: Order):
    return redirect("admin:orders_order_change", order.pk)
