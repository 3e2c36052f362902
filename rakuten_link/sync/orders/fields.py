"""RMS order objects → plain field dicts for our Order, OrderPackage and OrderLine models.

This is the one place that knows how RMS order data lands in the marketplace-neutral models. It reads the
typed ``RmsOrder`` only, never RMS keys; the RMS JSON itself never leaves rakuten_link (it is stored in
``Order.raw`` as an opaque blob, for audit and the change history).
"""

from __future__ import annotations

import hashlib
import json
import marshal
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Model
from django.utils import timezone

from lib.modelfields import concrete_field
from orders.models import Order, OrderLine, OrderPackage
from rakuten_link.rms import RmsOrder, RmsOrderItem, RmsPackage


@dataclass
class MappedLine:
    basket_id: int
    fields: dict[str, Any]

    @property
    def item_detail_id(self) -> int:
        return self.fields["item_detail_id"]


@dataclass
class MappedPackage:
    basket_id: int
    fields: dict[str, Any]


@dataclass
class MappedOrder:
    """One getOrder result ready to be written: our fields, its packages and lines, the raw blob and hash."""

    number: str
    fields: dict[str, Any]
    packages: list[MappedPackage] = field(default_factory=list)
    lines: list[MappedLine] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)
    content_hash: str = ""
    raw_digest: str = ""

    @property
    def progress(self) -> int:
        return self.fields["order_progress"]


def content_hash(raw: dict[str, Any]) -> str:
    """Canonical JSON (sorted keys) so the same order content always hashes the same."""
    text = json.dumps(raw, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def raw_digest(raw: dict[str, Any]) -> str:
    """A fingerprint of the raw data as received, a fifth of ``content_hash``'s cost: marshal's version 2 format
    (no object references, no interning marks) is fixed by the values, their types and the key order alone.

    Not canonical: the same content with its keys in another order digests differently, which only sends the
    order down the full comparison (``content_hash``); equal digests always mean equal data.
    """
    try:
        return hashlib.sha256(marshal.dumps(raw, 2)).hexdigest()[:32]
    except ValueError:  # not JSON data (a hand-made RmsOrder): no digest, the full comparison decides
        return ""


def map_order(order: RmsOrder) -> MappedOrder:
    mapped = MappedOrder(
        number=order.order_number, fields=order_fields(order), raw=order.raw, content_hash=content_hash(order.raw),
        raw_digest=raw_digest(order.raw),
    )
    for package in order.packages:
        basket_id = package.basket_id or 0
        mapped.packages.append(MappedPackage(basket_id, package_fields(package)))
        for item in package.items:
            # Deleted lines and packages stay in getOrder with a flag (§2.3); they hold no stock.
            removed = package.package_delete_flag or item.delete_item_flag
            mapped.lines.append(MappedLine(basket_id, line_fields(item, removed=removed)))
    return mapped


def order_fields(order: RmsOrder) -> dict[str, Any]:
    """Order model values; amounts RMS has not fixed yet (-9999, parsed as None) are stored as 0."""
    buyer = order.orderer
    return {
        "order_progress": order.order_progress or 0,
        "sub_status_id": order.sub_status_id,
        "sub_status_name": _clip(Order, "sub_status_name", order.sub_status_name),
        "ordered_at": order.order_datetime or timezone.now(),
        "confirmed_at": order.shop_order_cfm_datetime,
        "fixed_at": order.order_fix_datetime,
        "shipping_reported_at": order.shipping_cmpl_rpt_datetime,
        "buyer_name": _clip(Order, "buyer_name", buyer.name),
        "buyer_kana": _clip(Order, "buyer_kana", _kana(buyer.family_name_kana, buyer.first_name_kana)),
        "buyer_email": _clip(Order, "buyer_email", buyer.email),
        "buyer_phone": _clip(Order, "buyer_phone", buyer.phone_number),
        "buyer_zip": _clip(Order, "buyer_zip", buyer.zip_code),
        "buyer_address": _clip(Order, "buyer_address", buyer.address),
        "settlement_method_code": order.settlement_method_code,
        "settlement_method_name": _clip(Order, "settlement_method_name", order.settlement_method_name),
        "goods_price": order.goods_price or 0,
        "goods_tax": order.goods_tax or 0,
        "postage_price": order.postage_price or 0,
        "delivery_price": order.delivery_price or 0,
        "payment_charge": order.payment_charge or 0,
        "coupon_total": order.coupon_all_total_price or 0,
        "used_point": order.used_point or 0,
        "total_price": order.total_price or 0,
        "request_price": order.request_price or 0,
        "tax_summary": [_tax_row(t) for t in order.tax_summaries],
        "remarks": order.remarks,
    }


def package_fields(package: RmsPackage) -> dict[str, Any]:
    sender = package.sender
    return {
        "basket_id": package.basket_id or 0,
        "recipient_name": _clip(OrderPackage, "recipient_name", sender.name),
        "recipient_kana": _clip(OrderPackage, "recipient_kana", _kana(sender.family_name_kana, sender.first_name_kana)),
        "recipient_zip": _clip(OrderPackage, "recipient_zip", sender.zip_code),
        "recipient_address": _clip(OrderPackage, "recipient_address", sender.address),
        "recipient_phone": _clip(OrderPackage, "recipient_phone", sender.phone_number),
        "postage_price": package.postage_price or 0,
        "delivery_price": package.delivery_price or 0,
        "goods_price": package.goods_price or 0,
        "total_price": package.total_price or 0,
        "default_delivery_company": _clip(OrderPackage, "default_delivery_company",
                                          package.default_delivery_company_code),
    }


def line_fields(item: RmsOrderItem, *, removed: bool = False) -> dict[str, Any]:
    return {
        "item_detail_id": item.item_detail_id or 0,
        "manage_number": _clip(OrderLine, "manage_number", item.manage_number),
        "item_number": _clip(OrderLine, "item_number", item.item_number),
        "variant_id": _clip(OrderLine, "variant_id", item.variant_id),
        "merchant_defined_sku_id": _clip(OrderLine, "merchant_defined_sku_id", item.merchant_defined_sku_id),
        "sku_info": item.sku_info,
        "selected_choice": item.selected_choice,
        "name": _clip(OrderLine, "name", item.item_name),
        "price": item.price or 0,
        "units": max(item.units, 0),
        "tax_rate": item.tax_rate if item.tax_rate is not None else Decimal("0"),
        "removed": removed,
    }


def _tax_row(summary) -> dict[str, Any]:
    """Our own JSON shape for the per-rate summary (the 適格請求書 slip reads it), not RMS's."""
    return {
        "tax_rate": str(summary.tax_rate) if summary.tax_rate is not None else "",
        "request_price": summary.req_price or 0,
        "request_tax": summary.req_price_tax or 0,
        "total_price": summary.total_price or 0,
        "payment_charge": summary.payment_charge or 0,
        "coupon_price": summary.coupon_price or 0,
        "point": summary.point or 0,
    }


def _kana(family: str, first: str) -> str:
    return f"{family} {first}".strip()


_MAX_LENGTHS: dict[tuple[type[Model], str], int] = {}


def _clip(model: type[Model], name: str, value: str | None) -> str:
    """Cut to the column's length: PostgreSQL refuses longer text, and RMS limits are not all documented."""
    key = (model, name)
    if key not in _MAX_LENGTHS:
        _MAX_LENGTHS[key] = concrete_field(model, name).max_length or 0
    text = value or ""
    limit = _MAX_LENGTHS[key]
    return text[:limit] if limit else text


def as_comparable(value: Any) -> Any:
    """Values in a form that compares equal whether read from the database or freshly mapped."""
    if isinstance(value, datetime):
        return value.astimezone(timezone.get_current_timezone()).replace(microsecond=0)
    if isinstance(value, Decimal):
        return value.normalize()
    return value
