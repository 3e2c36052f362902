"""Small frozen dataclasses returned by ``RmsClient`` (parse at the boundary, style rule 5).

Field names are snake_case versions of the RMS keys (docs/rms.md §2.3 OrderModel, §3 inventory,
§4 items). Money is integer yen; ``None`` means RMS sent nothing or its "not yet fixed" marker -9999.
Tax rates are ``Decimal`` so that ``price * rate`` is exact. ``raw`` keeps the exact JSON for storage.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, NamedTuple


@dataclass(frozen=True)
class ApiCallInfo:
    """One HTTP attempt, handed to the ``on_call`` hook for audit rows; holds no credential or query."""

    function: str
    method: str
    path: str
    http_status: int | None
    error_code: str
    duration_ms: int
    attempt: int
    error_class: str


@dataclass(frozen=True)
class SearchOrderPage:
    """One page of searchOrder (§2.2); ``total_records`` counts all hits, capped in practice at 15 000."""

    order_numbers: list[str]
    total_records: int
    total_pages: int
    page: int


@dataclass(frozen=True)
class RmsPerson:
    """OrdererModel or SenderModel (§2.3); the sender has no e-mail address."""

    family_name: str = ""
    first_name: str = ""
    family_name_kana: str = ""
    first_name_kana: str = ""
    email: str = ""
    phone_number: str = ""
    zip_code: str = ""
    prefecture: str = ""
    city: str = ""
    sub_address: str = ""

    @property
    def name(self) -> str:
        return f"{self.family_name} {self.first_name}".strip()

    @property
    def address(self) -> str:
        return f"{self.prefecture}{self.city}{self.sub_address}"


@dataclass(frozen=True)
class RmsShipping:
    """ShippingModel of a basket: one tracking row (§2.3, §2.5)."""

    shipping_detail_id: int | None
    delivery_company: str
    delivery_company_name: str
    shipping_number: str
    shipping_date: date | None


@dataclass(frozen=True)
class RmsOrderItem:
    """ItemModel plus its SkuModelList[0] (getOrder v7+); SKU fields are "" for pre-SKU orders (§9)."""

    item_detail_id: int | None
    item_id: int | None
    item_name: str
    item_number: str
    manage_number: str
    price: int | None
    units: int
    tax_rate: Decimal | None
    include_tax_flag: int | None
    selected_choice: str
    inventory_type: int | None
    variant_id: str = ""
    merchant_defined_sku_id: str = ""
    sku_info: str = ""
    delete_item_flag: bool = False  # deleted after ordering; RMS keeps the line with this flag


@dataclass(frozen=True)
class RmsPackage:
    """PackageModel: one destination (送付先) with its items and tracking rows."""

    basket_id: int | None
    sender: RmsPerson
    postage_price: int | None
    delivery_price: int | None
    goods_price: int | None
    total_price: int | None
    items: list[RmsOrderItem] = field(default_factory=list)
    shippings: list[RmsShipping] = field(default_factory=list)
    default_delivery_company_code: str = ""
    package_delete_flag: bool = False  # deleted after ordering; RMS keeps the basket with this flag


@dataclass(frozen=True)
class RmsTaxSummary:
    """TaxSummaryModel: amounts per tax rate, needed for the 適格請求書 slip."""

    tax_rate: Decimal | None
    req_price: int | None
    req_price_tax: int | None
    total_price: int | None
    payment_charge: int | None
    coupon_price: int | None
    point: int | None


@dataclass(frozen=True)
class RmsCoupon:
    """CouponModel; ``item_id`` 0 means the coupon is not tied to one item."""

    coupon_code: str
    coupon_name: str
    coupon_capital_code: int | None
    item_id: int | None
    item_detail_id: int | None
    coupon_price: int | None
    coupon_unit: int | None
    coupon_total_price: int | None


@dataclass(frozen=True)
class RmsOrder:
    """OrderModel from getOrder (§2.3), flattened to every field the back office reads.

    ``raw`` is the model as received, kept for storage and the change history only: nothing outside
    ``rakuten_link.rms`` looks up RMS keys in it.
    """

    order_number: str
    order_progress: int | None
    sub_status_id: int | None
    sub_status_name: str
    order_datetime: datetime | None
    shop_order_cfm_datetime: datetime | None
    shipping_cmpl_rpt_datetime: datetime | None
    goods_price: int | None
    goods_tax: int | None
    postage_price: int | None
    delivery_price: int | None
    payment_charge: int | None
    total_price: int | None
    request_price: int | None
    coupon_all_total_price: int | None
    used_point: int
    settlement_method_code: int | None
    settlement_method_name: str
    remarks: str
    orderer: RmsPerson
    packages: list[RmsPackage] = field(default_factory=list)
    tax_summaries: list[RmsTaxSummary] = field(default_factory=list)
    coupons: list[RmsCoupon] = field(default_factory=list)
    delivery_name: str = ""
    delivery_class: int | None = None  # DeliveryModel.deliveryClass: 0 none, 1 普通, 2 冷蔵, 3 冷凍, 4–8 その他
    delivery_date: date | None = None  # お届け日指定
    shipping_term: int | None = None  # お届け時間帯: 0 none, 1 午前, 2 午後, 9 other, or h1h2 (1416 = 14–16時)
    order_type: int | None = None
    order_fix_datetime: datetime | None = None  # 注文確定日時
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def items(self) -> list[RmsOrderItem]:
        """All items over all packages, in RMS order."""
        return [item for package in self.packages for item in package.items]


@dataclass(frozen=True)
class ConfirmResult:
    """Outcome of confirmOrder for one order number (§2.4); ``ok`` is an INFO message."""

    order_number: str
    ok: bool
    code: str
    message: str


@dataclass(frozen=True)
class ShippingUpdateResult:
    """One MessageModelList entry of updateOrderShipping (§2.5); ``data_number`` is the 1-based row.

    ``message_type`` is INFO, WARNING or ERROR; the sync call raises on errors, but the async results
    (``AsyncShippingResult``) carry them as entries.
    """

    data_number: int | None
    shipping_detail_id: int | None
    code: str
    message: str
    message_type: str = ""

    @property
    def ok(self) -> bool:
        return self.message_type in ("INFO", "WARNING")


@dataclass(frozen=True)
class AsyncShippingResult:
    """One order of getResultUpdateOrderShippingAsync (§2.5): what updateOrderShipping would have said.

    ``ok`` means every entry is INFO/WARNING (the order's rows were applied); otherwise RMS applied
    nothing to this order and ``results`` hold its errors, with ``data_number`` where a row is at fault.
    """

    order_number: str
    results: list[ShippingUpdateResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.results) and all(r.ok for r in self.results)


@dataclass(frozen=True)
class InventoryRecord:
    """Stock of one SKU as the inventory API reports it (§3)."""

    manage_number: str
    variant_id: str
    quantity: int
    created: datetime | None = None
    updated: datetime | None = None


@dataclass(frozen=True)
class InventoryUpdate:
    """One row of inventories.bulk.upsert (§3): ABSOLUTE sets, RELATIVE adds (may be negative)."""

    manage_number: str
    variant_id: str
    quantity: int
    mode: str = "ABSOLUTE"


class VariantSelector(NamedTuple):
    """One SKU axis of an item (§4 ``variantSelectors``): a ``(key, display_name, values)`` tuple."""

    key: str
    display_name: str
    values: list[str]


@dataclass(frozen=True)
class RmsVariant:
    """One SKU of an item (§4 ``variants[variantId]``)."""

    variant_id: str
    merchant_defined_sku_id: str
    selector_values: dict[str, str]
    standard_price: int | None
    article_number: str = ""  # articleNumber.value: the JAN/EAN when the shop gave one
    hidden: bool = False
    pre_sku: bool = False  # a 横軸/縦軸 choice of an unmigrated item; variant_id is built from the choices


@dataclass(frozen=True)
class RmsItem:
    """An item from ItemAPI 2.0 (§4); ``variants`` is keyed by variantId."""

    manage_number: str
    item_number: str
    title: str
    variant_selectors: list[VariantSelector] = field(default_factory=list)
    variants: dict[str, RmsVariant] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    hidden: bool = False
    genre_id: str = ""
    updated: datetime | None = None


@dataclass(frozen=True)
class ItemSearchPage:
    """One page of items.search; ``next_cursor_mark`` is "" when there is nothing more."""

    num_found: int
    next_cursor_mark: str
    items: list[RmsItem]
