"""One row of the SKU CSV read into what it sets: the columns, the option pairs and the checks of each cell.

inventory.sku_imports checks the rows against each other and against the database, then writes them.
Lengths come from the model fields, so the file accepts what the SKU and product admin pages accept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from lib.csvfile import Column, CsvFormatError, CsvRow, RowError, parse_int
from lib.modelfields import concrete_field

from .models import Product, Sku

MAX_OPTIONS = 6  # Rakuten builds at most six variant selectors per item
MAX_PRICE = 999_999_999  # the highest price Rakuten takes for an item
_JAN = re.compile(r"^(\d{8}|\d{12}|\d{13})$")  # JAN-8, UPC-A (imported goods), JAN-13
_CURRENCY = str.maketrans("", "", "円¥￥ ")

BASE_COLUMNS = (
    Column("product", ("商品コード", "product_code")),
    Column("product_name", ("商品名", "product_name")),
    Column("price", ("価格", "price"), required=False),
    Column("sku", ("SKUコード", "sku_code")),
    Column("sku_name", ("SKU名", "sku_name")),
    Column("jan_code", ("JANコード", "jan_code"), required=False),
)
OPTION_COLUMNS = tuple(
    column
    for n in range(1, MAX_OPTIONS + 1)
    for column in (Column(f"option_name{n}", (f"選択肢名{n}", f"option_name{n}"), required=False),
                   Column(f"option_value{n}", (f"選択肢{n}", f"option_value{n}"), required=False))
)
COLUMNS = BASE_COLUMNS + OPTION_COLUMNS
LABELS = {column.key: column.label for column in COLUMNS}


@dataclass
class SkuRow:
    """What one row says; "" / None for a product cell means "not given here" (another row may give it)."""

    line: int
    product_code: str
    product_name: str
    price: int | None
    sku_code: str
    sku_name: str
    jan_code: str | None  # None: the file has no JANコード column, the stored one stays
    options: dict[str, str] | None  # None: the file has no option columns, the stored options stay


def check_header(keys: set[str]) -> None:
    """An option name column without its value column (or the reverse) is a mistake of the whole file."""
    for n in range(1, MAX_OPTIONS + 1):
        name, value = f"option_name{n}", f"option_value{n}"
        if (name in keys) != (value in keys):
            present, absent = (name, value) if name in keys else (value, name)
            raise CsvFormatError(
                _("The file has the column %(present)s but not %(absent)s: option names and values come in pairs.")
                % {"present": LABELS[present], "absent": LABELS[absent]}
            )


def parse_row(row: CsvRow) -> tuple[SkuRow, list[RowError]]:
    """The row's values and every problem of its own cells (a bad cell is left out of the values)."""
    v, line, errors = row.values, row.line, []
    for key in ("product", "sku", "sku_name"):
        if not v[key]:
            errors.append(RowError(line, LABELS[key], _("%(label)s is required.") % {"label": LABELS[key]}))
    errors += _field_errors(line, Product, {"code": ("product", v["product"]), "name": ("product_name",
                                                                                           v["product_name"])})
    errors += _field_errors(line, Sku, {"code": ("sku", v["sku"]), "name": ("sku_name", v["sku_name"])})
    price = _price(line, v.get("price", ""), errors)
    jan_code = _jan_code(line, v["jan_code"], errors) if "jan_code" in v else None
    options = _options(row, errors)
    parsed = SkuRow(line, v["product"], v["product_name"], price, v["sku"], v["sku_name"], jan_code, options)
    return parsed, errors


def _field_errors(line: int, model: type[models.Model], cells: dict[str, tuple[str, str]]) -> list[RowError]:
    """The model field's own checks (length) of each given cell: {field name: (column key, value)}."""
    errors = []
    for name, (key, value) in cells.items():
        if not value:
            continue
        try:
            concrete_field(model, name).clean(value, None)
        except ValidationError as exc:
            errors += [RowError(line, LABELS[key], message) for message in exc.messages]
    return errors


def _price(line: int, value: str, errors: list[RowError]) -> int | None:
    """Yen as staff type it: 1,980 / １９８０ / ¥1,980 / 1980円."""
    if not value:
        return None
    try:
        return parse_int(value.translate(_CURRENCY), maximum=MAX_PRICE)
    except ValueError as exc:
        errors.append(RowError(line, LABELS["price"], str(exc)))
        return None


def _jan_code(line: int, value: str, errors: list[RowError]) -> str | None:
    """Blank clears the JAN code; "4.90123E+12" is what Excel shows of a 13-digit code kept as a number."""
    code = value.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    if not code or _JAN.match(code):
        return code
    if re.search(r"[eE][+]", code):
        message = _("'%(value)s' is a JAN code Excel turned into a number. Format the column as text and enter "
                    "its 13 digits again.")
    else:
        message = _("'%(value)s' is not a JAN code: enter its 8 or 13 digits (12 for a UPC code).")
    errors.append(RowError(line, LABELS["jan_code"], message % {"value": value}))
    return None


def _options(row: CsvRow, errors: list[RowError]) -> dict[str, str] | None:
    """{name: value} from the 選択肢名n / 選択肢n pairs, in column order (the order of the selectors)."""
    numbers = [n for n in range(1, MAX_OPTIONS + 1) if f"option_name{n}" in row.values]
    if not numbers:
        return None
    options: dict[str, str] = {}
    given_in: dict[str, str] = {}
    for n in numbers:
        name_label, value_label = LABELS[f"option_name{n}"], LABELS[f"option_value{n}"]
        name, value = row.values[f"option_name{n}"], row.values[f"option_value{n}"]
        if not name and not value:
            continue
        if not value:
            message = _("The option “%(name)s” has no value: enter it, or clear %(other)s.")
            errors.append(RowError(row.line, value_label, message % {"name": name, "other": name_label}))
        elif not name:
            message = _("The value “%(value)s” has no option name: enter it in %(other)s.")
            errors.append(RowError(row.line, name_label, message % {"value": value, "other": name_label}))
        elif name in given_in:
            message = _("The option “%(name)s” is already given in %(other)s: each name once per SKU.")
            errors.append(RowError(row.line, name_label, message % {"name": name, "other": given_in[name]}))
        else:
            options[name] = value
            given_in[name] = name_label
    return options
