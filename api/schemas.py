"""What the API accepts and answers (pydantic, through django-ninja: the OpenAPI document is made from these)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from ninja import Field, Schema
from pydantic import ConfigDict

MAX_ITEMS = 1000
MAX_QUANTITY = 100_000  # more in one line of one store is a typo (a JAN pasted into the quantity), not a sale

Key = Field(None, min_length=1, max_length=100, description="Idempotency key of the item (the till's receipt line id)")


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class MovementIn(Strict):
    key: str | None = Key
    sku: str = Field(min_length=1, max_length=64, description="SKU code, or the JAN of a SKU that has one")
    store: str = Field(min_length=1, max_length=32, description="Store code")
    kind: Literal["sale", "return", "receipt", "adjustment"]
    quantity: int = Field(ge=-MAX_QUANTITY, le=MAX_QUANTITY,
                          description="Units: positive for sale, return and receipt; signed for adjustment")
    note: str = Field("", max_length=200)


class MovementsIn(Strict):
    movements: list[MovementIn] = Field(min_length=1, max_length=MAX_ITEMS)


class CountIn(Strict):
    key: str | None = Key
    sku: str = Field(min_length=1, max_length=64)
    store: str = Field(min_length=1, max_length=32)
    quantity: int = Field(ge=0, le=MAX_QUANTITY, description="Units counted on the shelf")
    note: str = Field("", max_length=200)


class CountsIn(Strict):
    counts: list[CountIn] = Field(min_length=1, max_length=MAX_ITEMS)


class StockResult(Schema):
    key: str | None
    sku: str
    store: str
    kind: str
    quantity: int
    on_hand: int
    allocated: int
    available: int
    movement_id: int | None
    replayed: bool = False


class StockResults(Schema):
    results: list[StockResult]


class RakutenSide(Schema):
    account: str
    manage_number: str
    variant_id: str
    status: str
    last_pushed_quantity: int | None
    last_pushed_at: datetime | None


class StockRow(Schema):
    sku: str
    jan: str
    store: str
    on_hand: int
    allocated: int
    available: int
    updated_at: datetime
    rakuten: list[RakutenSide]


class StockPage(Schema):
    stock: list[StockRow]
    next_cursor: str | None


class SkuOut(Schema):
    code: str
    name: str
    jan: str
    options: dict


class ProductOut(Schema):
    code: str
    name: str
    price: int | None
    skus: list[SkuOut]


class ProductPage(Schema):
    products: list[ProductOut]
    next_cursor: str | None


class ShipmentIn(Strict):
    key: str | None = Key
    order_number: str = Field(min_length=1, max_length=40)
    basket_id: int | None = Field(None, description="送付先ID; may be left out when the order has one package")
    carrier: str = Field(min_length=1, max_length=40, description="RMS carrier code (1001) or name (ヤマト運輸)")
    tracking_number: str = Field(min_length=1, max_length=40)
    shipped_on: date
    store: str | None = Field(None, max_length=32, description="Store the parcel left from")


class ShipmentOut(Schema):
    id: int
    order_number: str
    basket_id: int
    carrier: str
    tracking_number: str
    shipped_on: date
    action: str
    report_state: str
    replayed: bool = False


class SkuDetail(SkuOut):
    product: str
    rakuten: list[RakutenSide]


class OrderLineOut(Schema):
    item_detail_id: int
    basket_id: int | None
    sku: str | None
    manage_number: str
    variant_id: str
    name: str
    price: int
    units: int
    allocated_units: int
    shipped_units: int
    needs_attention: bool
    removed: bool


class PackageOut(Schema):
    basket_id: int
    recipient_name: str
    recipient_zip: str
    recipient_address: str
    recipient_phone: str


class ParcelOut(Schema):
    id: int
    basket_id: int | None
    carrier: str
    tracking_number: str
    shipped_on: date
    report_state: str
    reported_at: datetime | None
    deleted: bool


class OrderOut(Schema):
    order_number: str
    account: str
    state: str
    rakuten_status: int | None
    ordered_at: datetime
    updated_at: datetime
    attention_reasons: list[str]
    total_price: int
    lines: list[OrderLineOut]
    packages: list[PackageOut]
    shipments: list[ParcelOut]


class OrderPage(Schema):
    orders: list[OrderOut]
    next_cursor: str | None
