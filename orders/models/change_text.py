"""An order change as staff read it: the field's label and its display values, never the stored field name.

The sync stores changes under our field names (``order_progress``, ``line:<id>:units``) or, for marketplace
data we do not map, under the raw path (``raw:PackageModelList[1]…``). Staff see the field's verbose name
and the value as the order page shows it (``楽天ステータス: 300 発送待ち → 500 発送済``); a raw path is only
said to be marketplace data here (the order page folds the path itself, admin_display.py). The models are
looked up by name: OrderChange's ``__str__`` uses this module, so it cannot import them.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lib.modelfields import concrete_field

from .choices import OrderProgress

RAW_PREFIX = "raw:"
YES_NO = {"True": gettext_lazy("yes"), "False": gettext_lazy("no")}


def progress_text(code: Any) -> str:
    """`300 発送待ち`; unknown codes are shown as received."""
    try:
        label = OrderProgress.label_of(int(code))
    except (TypeError, ValueError):
        return str(code)
    return f"{code} {label}".strip()


def is_raw(field: str) -> bool:
    return field.startswith(RAW_PREFIX)


def what_text(field: str) -> str:
    """`明細 100000001 › 個数` from the stored `line:100000001:units`; a raw path is "marketplace data"."""
    if is_raw(field):
        return _("marketplace data")
    scope, _sep, rest = field.partition(":")
    if scope in ("line", "package") and rest:
        ident, _sep, name = rest.partition(":")
        model = apps.get_model("orders", "OrderLine" if scope == "line" else "OrderPackage")
        head = (_("line %(id)s") if scope == "line" else _("package %(id)s")) % {"id": ident}
        return f"{head} › {verbose(model, name)}" if name else head
    return verbose(apps.get_model("orders", "Order"), field)


def value_text(field: str, value: str) -> str:
    """The stored text of a value as the order page shows it (status with its name, yes/no)."""
    if not value:
        return value
    if field == "order_progress":
        return progress_text(value)
    if not is_raw(field) and value in YES_NO:
        return str(YES_NO[value])
    return value


def describe(field: str, old: str, new: str) -> str:
    """One line for the change; a raw change only says that marketplace data changed (its JSON is folded)."""
    if is_raw(field):
        return _("marketplace data changed")
    return f"{what_text(field)}: {value_text(field, old)} → {value_text(field, new)}"


def verbose(model: type[Model], name: str) -> str:
    try:
        return str(concrete_field(model, name).verbose_name)
    except FieldDoesNotExist:
        return name
