"""Parsers for RakutenPay order API responses (docs/rms.md §2): raw JSON in, dataclasses out.

Tolerant on purpose: RMS adds fields with each getOrder ``version`` and sends ``null`` for sub-models that do
not apply, so every lookup uses ``.get`` and a missing value becomes "" / None rather than an exception.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .codes import settlement_code
from .coerce import as_decimal, as_dict, as_flag, as_int, as_list, as_money, as_str
from .dates import parse_date, parse_datetime
from .types import (
    AsyncShippingResult,
    ConfirmResult,
    RmsCoupon,
    RmsOrder,
    RmsOrderItem,
    RmsPackage,
    RmsPerson,
    RmsShipping,
    RmsTaxSummary,
    SearchOrderPage,
    ShippingUpdateResult,
)


def parse_search_page(body: Any, page: int) -> SearchOrderPage:
    """searchOrder response; on INFO_102 (no hits) RMS sends ``[]`` and a null pagination model."""
    body = as_dict(body)
    pagination = as_dict(body.get("PaginationResponseModel"))
    return SearchOrderPage(
        order_numbers=[as_str(n) for n in as_list(body.get("orderNumberList"))],
        total_records=as_int(pagination.get("totalRecordsAmount")) or 0,
        total_pages=as_int(pagination.get("totalPages")) or 0,
        page=as_int(pagination.get("requestPage")) or page,
    )


def parse_person(model: Any) -> RmsPerson:
    """OrdererModel / SenderModel; zip and phone parts are joined with hyphens."""
    m = as_dict(model)
    zip_parts = [as_str(m.get(k)) for k in ("zipCode1", "zipCode2")]
    phone_parts = [as_str(m.get(k)) for k in ("phoneNumber1", "phoneNumber2", "phoneNumber3")]
    return RmsPerson(
        family_name=as_str(m.get("familyName")),
        first_name=as_str(m.get("firstName")),
        family_name_kana=as_str(m.get("familyNameKana")),
        first_name_kana=as_str(m.get("firstNameKana")),
        email=as_str(m.get("emailAddress")),
        phone_number="-".join(p for p in phone_parts if p),
        zip_code="-".join(p for p in zip_parts if p),
        prefecture=as_str(m.get("prefecture")),
        city=as_str(m.get("city")),
        sub_address=as_str(m.get("subAddress")),
    )


def parse_order_item(model: Any) -> RmsOrderItem:
    """ItemModel; the SKU identity comes from ``SkuModelList[0]`` (getOrder v7+, §2.3 / §9)."""
    m = as_dict(model)
    skus = as_list(m.get("SkuModelList"))
    sku = as_dict(skus[0]) if skus else {}
    return RmsOrderItem(
        item_detail_id=as_int(m.get("itemDetailId")),
        item_id=as_int(m.get("itemId")),
        item_name=as_str(m.get("itemName")),
        item_number=as_str(m.get("itemNumber")),
        manage_number=as_str(m.get("manageNumber")),
        price=as_money(m.get("price")),
        units=as_int(m.get("units")) or 0,
        tax_rate=as_decimal(m.get("taxRate")),
        include_tax_flag=as_int(m.get("includeTaxFlag")),
        selected_choice=as_str(m.get("selectedChoice")),
        inventory_type=as_int(m.get("inventoryType")),
        variant_id=as_str(sku.get("variantId")),
        merchant_defined_sku_id=as_str(sku.get("merchantDefinedSkuId")),
        sku_info=as_str(sku.get("skuInfo")),
        delete_item_flag=as_flag(m.get("deleteItemFlag")),
    )


def parse_shipping(model: Any) -> RmsShipping:
    m = as_dict(model)
    return RmsShipping(
        shipping_detail_id=as_int(m.get("shippingDetailId")),
        delivery_company=as_str(m.get("deliveryCompany")),
        delivery_company_name=as_str(m.get("deliveryCompanyName")),
        shipping_number=as_str(m.get("shippingNumber")),
        shipping_date=parse_date(m.get("shippingDate")),
    )


def parse_package(model: Any) -> RmsPackage:
    m = as_dict(model)
    return RmsPackage(
        basket_id=as_int(m.get("basketId")),
        sender=parse_person(m.get("SenderModel")),
        postage_price=as_money(m.get("postagePrice")),
        delivery_price=as_money(m.get("deliveryPrice")),
        goods_price=as_money(m.get("goodsPrice")),
        total_price=as_money(m.get("totalPrice")),
        items=[parse_order_item(i) for i in as_list(m.get("ItemModelList"))],
        shippings=[parse_shipping(s) for s in as_list(m.get("ShippingModelList"))],
        default_delivery_company_code=as_str(m.get("defaultDeliveryCompanyCode")),
        package_delete_flag=as_flag(m.get("packageDeleteFlag")),
    )


def parse_tax_summary(model: Any) -> RmsTaxSummary:
    m = as_dict(model)
    return RmsTaxSummary(
        tax_rate=as_decimal(m.get("taxRate")),
        req_price=as_money(m.get("reqPrice")),
        req_price_tax=as_money(m.get("reqPriceTax")),
        total_price=as_money(m.get("totalPrice")),
        payment_charge=as_money(m.get("paymentCharge")),
        coupon_price=as_money(m.get("couponPrice")),
        point=as_money(m.get("point")),
    )


def parse_coupon(model: Any) -> RmsCoupon:
    m = as_dict(model)
    return RmsCoupon(
        coupon_code=as_str(m.get("couponCode")),
        coupon_name=as_str(m.get("couponName")),
        coupon_capital_code=as_int(m.get("couponCapitalCode")),
        item_id=as_int(m.get("itemId")),
        item_detail_id=as_int(m.get("itemDetailId")),
        coupon_price=as_money(m.get("couponPrice")),
        coupon_unit=as_int(m.get("couponUnit")),
        coupon_total_price=as_money(m.get("couponTotalPrice")),
    )


def _settlement_code(settlement: dict[str, Any]) -> int | None:
    """settlementMethodCode, or for answers that carry only settlementMethod (2018/2019) the name's code."""
    code = as_int(settlement.get("settlementMethodCode"))
    return code if code is not None else settlement_code(as_str(settlement.get("settlementMethod")))


def parse_order(model: Any) -> RmsOrder:
    """One OrderModel of getOrder (§2.3); ``raw`` is the model exactly as received."""
    m = as_dict(model)
    settlement = as_dict(m.get("SettlementModel"))
    return RmsOrder(
        order_number=as_str(m.get("orderNumber")),
        order_progress=as_int(m.get("orderProgress")),
        sub_status_id=as_int(m.get("subStatusId")),
        sub_status_name=as_str(m.get("subStatusName")),
        order_datetime=parse_datetime(m.get("orderDatetime")),
        shop_order_cfm_datetime=parse_datetime(m.get("shopOrderCfmDatetime")),
        shipping_cmpl_rpt_datetime=parse_datetime(m.get("shippingCmplRptDatetime")),
        goods_price=as_money(m.get("goodsPrice")),
        goods_tax=as_money(m.get("goodsTax")),
        postage_price=as_money(m.get("postagePrice")),
        delivery_price=as_money(m.get("deliveryPrice")),
        payment_charge=as_money(m.get("paymentCharge")),
        total_price=as_money(m.get("totalPrice")),
        request_price=as_money(m.get("requestPrice")),
        coupon_all_total_price=as_money(m.get("couponAllTotalPrice")),
        used_point=as_int(as_dict(m.get("PointModel")).get("usedPoint")) or 0,
        settlement_method_code=_settlement_code(settlement),
        settlement_method_name=as_str(settlement.get("settlementMethod")),
        remarks=as_str(m.get("remarks")),
        orderer=parse_person(m.get("OrdererModel")),
        packages=[parse_package(p) for p in as_list(m.get("PackageModelList"))],
        tax_summaries=[parse_tax_summary(t) for t in as_list(m.get("TaxSummaryModelList"))],
        coupons=[parse_coupon(c) for c in as_list(m.get("CouponModelList"))],
        delivery_name=as_str(as_dict(m.get("DeliveryModel")).get("deliveryName")),
        delivery_class=as_int(as_dict(m.get("DeliveryModel")).get("deliveryClass")),
        delivery_date=parse_date(m.get("deliveryDate")),
        shipping_term=as_int(m.get("shippingTerm")),
        order_type=as_int(m.get("orderType")),
        order_fix_datetime=parse_datetime(m.get("orderFixDatetime")),
        raw=m,
    )


def parse_orders(body: Any) -> list[RmsOrder]:
    """getOrder response: ``OrderModelList`` (missing or null when nothing matched)."""
    return [parse_order(o) for o in as_list(as_dict(body).get("OrderModelList"))]


def parse_changed_orders(body: Any, same: Callable[[str, dict[str, Any]], bool]) -> tuple[list[RmsOrder], list[str]]:
    """getOrder response, parsing only the OrderModels for which ``same(orderNumber, model)`` is false; the
    numbers of the others come back as they are."""
    orders, unchanged = [], []
    for model in as_list(as_dict(body).get("OrderModelList")):
        m = as_dict(model)
        number = as_str(m.get("orderNumber"))
        if number and same(number, m):
            unchanged.append(number)
        else:
            orders.append(parse_order(m))
    return orders, unchanged


def messages(body: Any) -> list[dict[str, Any]]:
    """The order API's ``MessageModelList`` entries (§1.6), dicts only."""
    return [e for e in as_list(as_dict(body).get("MessageModelList")) if isinstance(e, dict)]


def parse_confirm_results(body: Any, requested: list[str]) -> list[ConfirmResult]:
    """confirmOrder: one message per order carrying ``orderNumber`` (§2.4).

    Orders RMS said nothing about are reported as not ok, so the caller never assumes a silent success.
    """
    results: dict[str, ConfirmResult] = {}
    for entry in messages(body):
        number = as_str(entry.get("orderNumber"))
        if number:
            results[number] = ConfirmResult(
                order_number=number,
                ok=entry.get("messageType") == "INFO",
                code=as_str(entry.get("messageCode")),
                message=as_str(entry.get("message")),
            )
    silent = "RMS returned no result for this order"
    return [results.get(n) or ConfirmResult(n, False, "", silent) for n in requested]


def parse_shipping_results(body: Any) -> list[ShippingUpdateResult]:
    """updateOrderShipping: entries with ``dataNumber`` and the (new) ``shippingDetailId`` (§2.5)."""
    return [
        ShippingUpdateResult(
            data_number=as_int(entry.get("dataNumber")),
            shipping_detail_id=as_int(entry.get("shippingDetailId")),
            code=as_str(entry.get("messageCode")),
            message=as_str(entry.get("message")),
            message_type=as_str(entry.get("messageType")),
        )
        for entry in messages(body)
    ]


def parse_async_request_id(body: Any) -> str:
    """updateOrderShippingAsync: the ``requestId`` of its INFO entry (as a public C# client models the
    answer), or a top-level one; "" when RMS sent none (§2.5)."""
    for entry in messages(body):
        if entry.get("requestId"):
            return as_str(entry["requestId"])
    return as_str(as_dict(body).get("requestId"))


def parse_async_refusals(body: Any) -> dict[str, list[ShippingUpdateResult]]:
    """updateOrderShippingAsync refused as a whole (HTTP 200, no requestId): per order number RMS named,
    its ERROR entries read like an updateOrderShipping answer (§2.5)."""
    refused: dict[str, list[ShippingUpdateResult]] = {}
    for entry, result in zip(messages(body), parse_shipping_results(body), strict=True):
        number = as_str(entry.get("orderNumber"))
        if number and not result.ok:
            refused.setdefault(number, []).append(result)
    return refused


def parse_async_shipping_results(body: Any) -> list[AsyncShippingResult]:
    """getResultUpdateOrderShippingAsync: ``ResultShippingModelList[{orderNumber, MessageModelList}]``,
    each ``MessageModelList`` read like an updateOrderShipping answer (§2.5). An entry naming no order is
    not a result: RMS answers a requestId it has no result for with one (an INFO code, no orderNumber)."""
    return [
        AsyncShippingResult(order_number=as_str(model.get("orderNumber")), results=parse_shipping_results(model))
        for model in as_list(as_dict(body).get("ResultShippingModelList"))
        if isinstance(model, dict) and as_str(model.get("orderNumber"))
    ]
