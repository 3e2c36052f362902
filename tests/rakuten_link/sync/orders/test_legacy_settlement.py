"""getOrder answers shaped like the 2018/2019 captures: settlementMethod (a name) without settlementMethodCode.

The payment is then mapped by the name, so the order is not left unmapped; a name no code is known for is
still flagged and alerted, with the name, instead of passing silently.
"""

from __future__ import annotations

from django.core import mail

from orders.models import Order
from rakuten_link.models import AlertLog
from rakuten_link.rms.codes import settlement_code
from rakuten_link.rms.parse_orders import parse_order
from rakuten_link.sync.jobs import run_account_job


def legacy_order(rms_orders, name: str) -> str:
    """A sandbox order whose SettlementModel carries the name only, as the old captures do."""
    number, = rms_orders.create({"orderProgress": 300})
    settlement = rms_orders.sandbox.state.orders[number]["SettlementModel"]
    settlement.pop("settlementMethodCode")
    settlement["settlementMethod"] = name
    return number


def fetch(account):
    run = run_account_job(account, "orders")
    assert run.status == "success", run.error


def test_an_order_with_only_the_settlement_name_gets_the_mapped_payment_method(order_shop, rms_orders):
    number = legacy_order(rms_orders, "クレジットカード決済")
    assert "settlementMethodCode" not in rms_orders.get(number)["SettlementModel"]

    fetch(order_shop.account)

    order = Order.objects.get(order_number=number)
    assert order.payment_method == order_shop.methods["card"]
    assert (order.settlement_method_code, order.settlement_method_name) == (1, "クレジットカード決済")
    assert "unmapped_payment" not in order.attention_reasons
    assert not AlertLog.objects.filter(kind="order_unmapped_payment").exists()


def test_an_unknown_settlement_name_is_flagged_and_named_in_the_alert(order_shop, rms_orders):
    number = legacy_order(rms_orders, "楽天バンク決済")

    fetch(order_shop.account)

    order = Order.objects.get(order_number=number)
    assert order.payment_method is None and order.settlement_method_code is None
    assert order.attention_reasons == ["unmapped_payment"]
    assert AlertLog.objects.filter(kind="order_unmapped_payment").count() == 1
    assert number in mail.outbox[-1].body and "楽天バンク決済" in mail.outbox[-1].body


def test_the_parser_takes_the_code_from_the_name_only_when_the_code_is_missing():
    def settled(model):
        return parse_order({"orderNumber": "1-1", "SettlementModel": model}).settlement_method_code

    assert settled({"settlementMethod": "代金引換"}) == 2
    assert settled({"settlementMethod": "ｸﾚｼﾞｯﾄｶｰﾄﾞ 決済"}) == 1
    assert settled({"settlementMethod": "銀行振込決済"}) == 9
    assert settled({"settlementMethodCode": 17, "settlementMethod": "クレジットカード"}) == 17  # the code wins
    assert settled({"settlementMethod": "楽天バンク決済"}) is None
    assert settled({}) is None
    assert settlement_code("") is None
