"""A parcel reported by the warehouse: the same rules and the same service as the order page and the CSV.

``orders.shipping`` records it (stock leaves the shelf, the order becomes shipped once every package has a
parcel) and marks it to report; the shipments job then tells RMS once. A parcel already recorded with the
same tracking number is unchanged or corrected (sent as an update of the same RMS row), and one recorded
without a number gets it: so a warehouse that sends the same parcel twice adds nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from inventory.models import Store
from lib.audit import record_action
from orders.models import Order, OrderPackage, OrderProgress, OrderState, Shipment
from orders.models.shipment import normalize_tracking_number, validate_tracking_number
from orders.shipping import ShippingError, change_shipment, live_shipments, record_shipment
from rakuten_link.rms.codes import carrier_code
from rakuten_link.sync.orders.manual import normalize_order_number

from .auth import check_store
from .idempotency import run_keyed
from .models import ApiToken
from .problems import ApiProblem, FieldError, invalid

CREATED, FILLED, CORRECTED, UNCHANGED = "created", "tracking_number_added", "corrected", "unchanged"


def post_shipment(token: ApiToken, item: dict[str, Any], request_key: str | None) -> dict[str, Any]:
    """Keyed (``key`` or ``Idempotency-Key``) like the stock writes; without a key the tracking number is the key."""
    if item.get("key") is None and request_key is None:
        return _post(token, item)
    body = run_keyed(token, operation="shipment", items=[item], request_key=request_key,
                     apply=lambda indexes: [_post(token, item) for _index in indexes])
    return body["results"][0]


def _post(token: ApiToken, item: dict[str, Any]) -> dict[str, Any]:
    values = _values(item)
    with transaction.atomic():
        order = _order(token, item["order_number"])
        package = _package(order, item.get("basket_id"))
        store = _store(token, item.get("store"))
        live = list(live_shipments(package))
        same = next((s for s in live if s.tracking_number == values["tracking_number"]), None)
        blank = next((s for s in live if not s.tracking_number), None)
        try:
            if same is not None:
                action = UNCHANGED if same.values == {**values, "shipped_on": values["shipped_on"].isoformat()} \
                    else CORRECTED
                shipment = same if action == UNCHANGED else change_shipment(same, user=token.user, **values)
            elif blank is not None:
                action, shipment = FILLED, change_shipment(blank, user=token.user, **values)
            else:
                action = CREATED
                shipment = record_shipment(package=package, store=store, user=token.user, **values)
        except ShippingError as exc:
            raise ApiProblem(409, "shipping_refused", str(exc)) from None
        if action != UNCHANGED:
            record_action(token.user, order, _("API %(token)s: shipment %(action)s (%(number)s)")
                          % {"token": token.name, "action": action, "number": shipment.tracking_number})
    return _out(order, package, shipment, action)


def _values(item: dict[str, Any]) -> dict[str, Any]:
    errors = []
    code = carrier_code(item["carrier"])
    if code is None:
        errors.append(FieldError("unknown_carrier", _("Unknown carrier %(value)s: give an RMS code such as 1001 or "
                                                      "a name such as ヤマト運輸.") % {"value": item["carrier"]},
                                 "carrier", None, item.get("key")))
    number = normalize_tracking_number(item["tracking_number"])
    try:
        validate_tracking_number(number)
    except ValidationError as exc:
        errors.append(FieldError("invalid_tracking_number", " ".join(exc.messages), "tracking_number", None,
                                 item.get("key")))
    if errors:
        raise invalid(errors)
    return {"delivery_company": code, "tracking_number": number, "shipped_on": item["shipped_on"]}


def _order(token: ApiToken, text: str) -> Order:
    number = normalize_order_number(text)
    orders = Order.objects.filter(order_number=number)
    if token.store_id is not None:
        orders = orders.filter(account__stores=token.store_id)
    found = list(orders.defer("raw")[:2])
    if len(found) != 1:
        message = _("No order %(number)s that this token may see.") if not found else \
            _("Order %(number)s exists in several accounts.")
        raise invalid([FieldError("unknown_order", message % {"number": number}, "order_number")])
    order = found[0]
    if order.state == OrderState.CANCELLED or order.order_progress == OrderProgress.CANCELLED:
        raise ApiProblem(409, "order_cancelled", _("Order %(number)s is cancelled: nothing can be shipped.")
                         % {"number": number})
    return order


def _package(order: Order, basket_id: int | None) -> OrderPackage:
    packages = list(order.packages.all())
    baskets = ", ".join(str(p.basket_id) for p in packages) or "—"
    if basket_id is None and len(packages) == 1:
        return packages[0]
    package = next((p for p in packages if p.basket_id == basket_id), None)
    if package is None:
        message = (_("Order %(number)s has %(n)d packages: give basket_id (%(baskets)s).") if basket_id is None
                   else _("Order %(number)s has no package %(basket)s (its packages: %(baskets)s)."))
        raise invalid([FieldError("unknown_package", message % {"number": order.order_number, "n": len(packages),
                                                                "basket": basket_id, "baskets": baskets},
                                  "basket_id")])
    return package


def _store(token: ApiToken, code: str | None) -> Store | None:
    if not code:
        return token.store
    store = Store.objects.filter(code=code).first()
    if store is None:
        raise invalid([FieldError("unknown_store", _("No store has the code %(store)s.") % {"store": code}, "store")])
    check_store(token, store)
    return store


def _out(order: Order, package: OrderPackage, shipment: Shipment, action: str) -> dict[str, Any]:
    return {"id": shipment.pk, "order_number": order.order_number, "basket_id": package.basket_id,
            "carrier": shipment.delivery_company, "tracking_number": shipment.tracking_number,
            "shipped_on": shipment.shipped_on.isoformat(), "action": action, "report_state": shipment.report_state,
            "replayed": False}
