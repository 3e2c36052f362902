"""SKUs (by code, or by JAN) and stores (by code) named in a request, each unknown one an error of its item."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

from inventory.models import Sku, Store

from .auth import check_store
from .models import ApiToken
from .problems import FieldError, invalid


def resolve(token: ApiToken, items: Sequence[dict[str, Any]]) -> tuple[dict[str, Sku], dict[str, Store]]:
    """Every item's ``sku`` and ``store`` found, or a 422 naming each that is not (nothing written yet)."""
    names = {item["sku"] for item in items}
    skus = {sku.code: sku for sku in Sku.objects.filter(code__in=names)}
    by_jan: dict[str, list[Sku]] = {}
    for sku in Sku.objects.filter(jan_code__in=names - skus.keys()).exclude(jan_code=""):
        by_jan.setdefault(sku.jan_code, []).append(sku)
    stores = {store.code: store for store in Store.objects.filter(code__in={item["store"] for item in items})}
    errors = []
    for index, item in enumerate(items):
        key, name = item.get("key"), item["sku"]
        if name not in skus:
            found = by_jan.get(name, [])
            if len(found) == 1:
                skus[name] = found[0]
            elif found:
                errors.append(FieldError("ambiguous_jan", _("JAN %(jan)s belongs to several SKUs (%(codes)s): "
                                                            "give the SKU code.")
                                         % {"jan": name, "codes": ", ".join(s.code for s in found)}, "sku", index, key))
            else:
                errors.append(FieldError("unknown_sku", _("No SKU has the code or JAN %(sku)s.") % {"sku": name},
                                         "sku", index, key))
        if item["store"] not in stores:
            errors.append(FieldError("unknown_store", _("No store has the code %(store)s.") % {"store": item["store"]},
                                     "store", index, key))
    if errors:
        raise invalid(errors)
    for index, item in enumerate(items):
        check_store(token, stores[item["store"]], item=index, key=item.get("key"))
    return skus, stores
