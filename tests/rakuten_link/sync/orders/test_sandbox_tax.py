"""The sandbox works out RMS's per-rate tax with the shop's rounding, so demo orders are not flagged for nothing."""

import pytest

from accounts.models import TaxRounding
from orders.models import AttentionReason, Order
from rakuten_link.sync.jobs import run_account_job


def fetch(account):
    run = run_account_job(account, "orders")
    assert run.status == "success", run.error


@pytest.mark.parametrize("rounding", TaxRounding.values)
def test_random_sandbox_orders_raise_no_tax_flag_when_the_roundings_agree(order_shop, rms_orders, rounding):
    order_shop.account.tax_rounding = rounding
    order_shop.account.save(update_fields=["tax_rounding"])
    rms_orders.config(tax_rounding=rounding)
    # 550 yen postage alone is the case that showed it: 550 × 0.1 / 1.1 is 49.999… in floating point.
    rms_orders.create({"PackageModelList": [{"ItemModelList": [{"manageNumber": "tea01", "units": 1}]}]})
    rms_orders.random(60)
    fetch(order_shop.account)

    assert Order.objects.count() == 61
    flagged = [o.order_number for o in Order.objects.all() if AttentionReason.TAX_MISMATCH in o.attention_reasons]
    assert flagged == []


def test_a_real_rounding_difference_still_flags(order_shop, rms_orders):
    order_shop.account.tax_rounding = TaxRounding.FLOOR
    order_shop.account.save(update_fields=["tax_rounding"])
    rms_orders.config(tax_rounding_by_shop={order_shop.shop: TaxRounding.CEIL})  # the shop's own setting
    # 2,980 + 550 postage = 3,530 at 10 %: 320.9… yen of tax, 320 rounded down, 321 up.
    number, = rms_orders.create({"SettlementModel": {"settlementMethodCode": 1},
                                 "PackageModelList": [{"ItemModelList": [{"manageNumber": "tote01", "units": 1}]}]})
    assert rms_orders.get(number)["TaxSummaryModelList"][-1]["reqPriceTax"] == 321
    fetch(order_shop.account)

    assert AttentionReason.TAX_MISMATCH in Order.objects.get(order_number=number).attention_reasons


def test_the_sandbox_refuses_an_unknown_rounding(rms_orders):
    import requests

    response = requests.patch(f"{rms_orders.sandbox.url}/_sandbox/config", json={"tax_rounding": "banker"},
                              timeout=10)
    assert response.status_code == 400 and "tax_rounding" in response.json()["error"]
    response = requests.patch(f"{rms_orders.sandbox.url}/_sandbox/config",
                              json={"tax_rounding_by_shop": {"000001": "up"}}, timeout=10)
    assert response.status_code == 400 and "tax_rounding_by_shop" in response.json()["error"]
