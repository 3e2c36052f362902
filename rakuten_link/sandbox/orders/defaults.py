"""Empty OrderModel parts with every key RMS sends (docs/rms.md §2.3), so partial orders come out whole.

Clients are written against full payloads; a sandbox that omitted keys would hide KeyErrors that the
real API would trigger. Values here are neutral defaults; realistic ones come from orders/random.py.
"""

from __future__ import annotations

from typing import Any

from ..state.codes import DELIVERY_COMPANIES, SETTLEMENT_METHODS


def order_skeleton() -> dict[str, Any]:
    return {
        "orderNumber": "",
        "orderProgress": 100,
        "subStatusId": None,
        "subStatusName": None,
        "orderDatetime": None,
        "shopOrderCfmDatetime": None,
        "orderFixDatetime": None,
        "shippingInstDatetime": None,
        "shippingCmplRptDatetime": None,
        "cancelDueDate": None,
        "deliveryDate": None,
        "shippingTerm": 0,
        "remarks": "",
        "giftCheckFlag": 0,
        "socialGiftFlag": 0,
        "severalSenderFlag": 0,
        "equalSenderFlag": 1,
        "isolatedIslandFlag": 0,
        "rakutenMemberFlag": 1,
        "carrierCode": 0,
        "emailCarrierCode": 0,
        "orderType": 1,
        "reserveNumber": None,
        "reserveDeliveryCount": None,
        "cautionDisplayType": 0,
        "cautionDisplayDetailType": None,
        "rakutenConfirmFlag": 0,
        "goodsPrice": 0,
        "goodsTax": -9999,
        "postagePrice": 0,
        "deliveryPrice": 0,
        "paymentCharge": 0,
        "paymentChargeTaxRate": 0.1,
        "totalPrice": 0,
        "requestPrice": 0,
        "couponAllTotalPrice": 0,
        "couponShopPrice": 0,
        "couponOtherPrice": 0,
        "additionalFeeOccurAmountToUser": 0,
        "additionalFeeOccurAmountToShop": 0,
        "asurakuFlag": 0,
        "drugFlag": 0,
        "dealFlag": 0,
        "membershipType": 0,
        "memo": None,
        "operator": None,
        "mailPlugSentence": None,
        "modifyFlag": 0,
        "isTaxRecalc": 0,
        "receiptIssueCount": 0,
        "receiptIssueHistoryList": [],
        "deliveryCertPrgFlag": 0,
        "oneDayOperationFlag": 0,
        "OrdererModel": orderer_skeleton(),
        "SettlementModel": settlement(1),
        "DeliveryModel": {"deliveryName": "宅配便", "deliveryClass": 0},
        "PointModel": {"usedPoint": 0},
        "WrappingModel1": None,
        "WrappingModel2": None,
        "PackageModelList": [],
        "CouponModelList": [],
        "ChangeReasonModelList": [],
        "TaxSummaryModelList": [],
        "DueDateModelList": [],
    }


def orderer_skeleton() -> dict[str, Any]:
    return {
        "zipCode1": "158",
        "zipCode2": "0094",
        "prefecture": "東京都",
        "city": "世田谷区",
        "subAddress": "玉川1-14-1",
        "familyName": "楽天",
        "firstName": "太郎",
        "familyNameKana": "ラクテン",
        "firstNameKana": "タロウ",
        "phoneNumber1": "03",
        "phoneNumber2": "0000",
        "phoneNumber3": "0000",
        "emailAddress": "",
        "sex": "男",
        "birthYear": 1990,
        "birthMonth": 1,
        "birthDay": 1,
    }


def sender_from(orderer: dict[str, Any]) -> dict[str, Any]:
    """SenderModel = OrdererModel's address and name, without e-mail and birth data."""
    skip = {"emailAddress", "sex", "birthYear", "birthMonth", "birthDay"}
    sender = {k: v for k, v in orderer.items() if k not in skip}
    sender["isolatedIslandFlag"] = 0
    return sender


def settlement(code: int) -> dict[str, Any]:
    card = code == 1
    return {
        "settlementMethodCode": code,
        "settlementMethod": SETTLEMENT_METHODS.get(code, "その他"),
        "rpaySettlementFlag": 1,
        "cardName": "VISA" if card else None,
        "cardNumber": "XXXX-XXXX-XXXX-1234" if card else None,
        "cardOwner": "TARO RAKUTEN" if card else None,
        "cardYm": "2029-12" if card else None,
        "cardPayType": 0 if card else None,
        "cardInstallmentDesc": None,
    }


def package_skeleton(basket_id: int) -> dict[str, Any]:
    return {
        "basketId": basket_id,
        "postagePrice": 0,
        "postageTaxRate": 0.1,
        "deliveryPrice": 0,
        "deliveryTaxRate": 0.1,
        "goodsTax": -9999,
        "goodsPrice": 0,
        "totalPrice": 0,
        "noshi": None,
        "packageDeleteFlag": 0,
        "SenderModel": sender_from(orderer_skeleton()),
        "ItemModelList": [],
        "ShippingModelList": [],
        "DeliveryCvsModel": None,
        "defaultDeliveryCompanyCode": "1001",
        "dropOffFlag": 0,
        "dropOffLocation": None,
        "SocialGiftModel": None,
    }


def item_skeleton(item_detail_id: int) -> dict[str, Any]:
    return {
        "itemDetailId": item_detail_id,
        "itemName": "",
        "itemId": 0,
        "itemNumber": "",
        "manageNumber": "",
        "price": 0,
        "units": 1,
        "includePostageFlag": 0,
        "includeTaxFlag": 1,
        "includeCashOnDeliveryPostageFlag": 0,
        "selectedChoice": "",
        "pointRate": 1,
        "pointType": 0,
        "inventoryType": 1,
        "delvdateInfo": "",
        "restoreInventoryFlag": 0,
        "dealFlag": 0,
        "drugFlag": 0,
        "deleteItemFlag": 0,
        "taxRate": 0.1,
        "priceTaxIncl": 0,
        "isSingleItemShipping": 0,
        "SkuModelList": [],
    }


def shipping_row(detail_id: int, company: str | None, number: str | None, ship_date: str | None) -> dict[str, Any]:
    """A stored ShippingModel; deliveryCompanyName follows the code as RMS shows it."""
    return {
        "shippingDetailId": detail_id,
        "shippingNumber": number,
        "deliveryCompany": company,
        "deliveryCompanyName": DELIVERY_COMPANIES.get(company or ""),
        "shippingDate": ship_date,
    }
