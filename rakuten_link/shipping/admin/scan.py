"""The scan-to-ship page (検品): built for a USB barcode scanner, which types the code and presses Enter.

The page holds one input that keeps the focus. The first scan is the order's barcode (on the picking list),
each next one a unit's JAN or SKU code; the page posts each scan here and shows what is still missing, a wrong
item with a red line and a low beep. When the order is complete it asks for the carrier and, per package, the
label's tracking number (scanned too, or left empty for the label import), then records the shipments.
The logic is orders.scan; this module only speaks JSON to the page.
"""

from __future__ import annotations

import json

from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from orders.scan import ScanError, find_order, is_complete, lines_of, scan_item, ship_scanned
from orders.shipping import ShippingError
from rakuten_link.rms.codes import carrier_choices, carrier_code


def scan_view(model_admin, request):
    if not model_admin.has_change_permission(request):
        raise PermissionDenied
    if request.method != "POST":
        return TemplateResponse(request, "admin/rakuten_link/order/scan.html", {
            **model_admin.admin_site.each_context(request), "opts": model_admin.model._meta,
            "title": _("Scan to ship (検品)"), "carriers": carrier_choices(), "default_carrier": "1001"})
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        body = {}
    try:
        return JsonResponse(_step(body, request.user))
    except (ScanError, ShippingError) as exc:
        return JsonResponse({**_state_if_any(body), "error": str(exc)}, status=409)


def _step(body: dict, user) -> dict:
    step, number = body.get("step"), body.get("order") or ""
    if step == "order":
        return _state(find_order(body.get("code", "")))
    order = find_order(number)
    if step == "item":
        scan_item(order, body.get("code", ""), user=user)
        return _state(order)
    if step == "ship":
        code = carrier_code(body.get("carrier", "")) or ""
        if not code:
            raise ScanError(_("Choose the carrier."))
        tracking = {int(k): str(v) for k, v in (body.get("tracking") or {}).items() if str(k).isdigit()}
        made = ship_scanned(order, delivery_company=code, shipped_on=timezone.localdate(), tracking=tracking,
                            user=user)
        return {"shipped": len(made), "message": _("Order %(number)s: %(n)d shipment(s) recorded.")
                % {"number": order.order_number, "n": len(made)}}
    raise ScanError(_("Scan an order's barcode first."))


def _state_if_any(body: dict) -> dict:
    """After a refused item, the order's state as it stands, so the page still shows what is missing."""
    if body.get("step") != "item":
        return {}
    try:
        return _state(find_order(body.get("order") or ""))
    except ScanError:
        return {}


def _state(order) -> dict:
    lines = lines_of(order)
    baskets = sorted({line.line.package.basket_id for line in lines if line.line.package and line.needed})
    return {"order": order.order_number, "lines": [line.as_dict() for line in lines if line.needed],
            "complete": is_complete(lines), "baskets": baskets}
