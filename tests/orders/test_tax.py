"""Consumption tax per rate (once per rate, the shop's rounding rule) and the check against RMS's own summary."""

from decimal import Decimal

import pytest

from orders.models import AttentionReason, OrderLine, OrderState
from orders.services import allocate_order
from orders.tax import (
    check_tax_summary,
    flag_tax_mismatch,
    included_tax,
    order_rate_totals,
    tax_mismatch_reasons,
)

TEN, EIGHT = Decimal("0.10"), Decimal("0.08")


def add_line(order, name, price, units, rate, *, removed=False):
    package = order.packages.first()
    number = order.lines.count() + 1
    return OrderLine.objects.create(order=order, package=package, item_detail_id=package.basket_id * 1000 + number,
                                    name=name, price=price, units=units, tax_rate=rate, removed=removed)


@pytest.mark.parametrize(("total", "rate", "floor", "ceil", "half_up"), [
    (1050, TEN, 95, 96, 95),     # 95.45…: round half up goes down with 切り捨て
    (1200, EIGHT, 88, 89, 89),   # 88.88…: round half up goes up with 切り上げ
    (1100, TEN, 100, 100, 100),  # exact: every rule agrees
    (1080, EIGHT, 80, 80, 80),
    (0, TEN, 0, 0, 0),
])
def test_the_tax_contained_in_a_tax_inclusive_total_for_each_rounding_rule(total, rate, floor, ceil, half_up):
    assert [included_tax(total, rate, rule) for rule in ("floor", "ceil", "round")] == [floor, ceil, half_up]


@pytest.fixture
def mixed_order(make_account, make_order):
    """10 %: 2,000 of goods + 700 postage + 300 COD fee = 3,000 (272.72… tax);
    8 %: 1,300 + 3 × 540 = 2,920 (216.29… tax); a line the marketplace deleted counts for nothing."""

    def make(rounding="floor", **fields):
        account = make_account(tax_rounding=rounding)
        values = {"postage_price": 700, "delivery_price": 300, "used_point": 100, "request_price": 5820}
        order = make_order(account, **{**values, **fields})
        add_line(order, "オーガニックコットンTシャツ", 2000, 1, TEN)
        add_line(order, "国産はちみつ", 1300, 1, EIGHT)
        add_line(order, "有機緑茶ティーバッグ", 540, 3, EIGHT)
        add_line(order, "取り消された商品", 5000, 1, EIGHT, removed=True)
        return order

    return make


@pytest.mark.parametrize(("rounding", "ten_tax", "eight_tax"), [
    ("floor", 272, 216), ("ceil", 273, 217), ("round", 273, 216),
])
def test_a_mixed_order_has_one_total_and_one_tax_per_rate(mixed_order, rounding, ten_tax, eight_tax):
    rates = order_rate_totals(mixed_order(rounding))
    assert [(r.percent, r.total, r.tax) for r in rates] == [(10, 3000, ten_tax), (8, 2920, eight_tax)]
    assert [r.reduced for r in rates] == [False, True]


def test_the_tax_is_worked_out_once_per_rate_not_line_by_line(make_account, make_order):
    order = make_order(make_account(tax_rounding="floor"))
    add_line(order, "A", 1000, 1, TEN)
    add_line(order, "B", 1000, 1, TEN)
    # Line by line it would be 90 + 90 = 180; once on 2,000 it is 181.81… → 181.
    assert [(r.total, r.tax) for r in order_rate_totals(order)] == [(2000, 181), (0, 0)]


def test_the_payment_charge_joins_the_ten_percent_group(make_account, make_order):
    order = make_order(make_account(), payment_charge=330)
    add_line(order, "A", 1080, 1, EIGHT)
    assert [(r.percent, r.total, r.tax) for r in order_rate_totals(order)] == [(10, 330, 30), (8, 1080, 80)]


def rms_summary(*, ten_tax=263, ten_total=3000, eight_tax=216):
    """RMS's rows as the sync stores them: its tax is on the billed part (100 points off the 10 % group)."""
    return [
        {"tax_rate": "0.1", "request_price": ten_total - 100, "request_tax": ten_tax, "total_price": ten_total,
         "payment_charge": 0, "coupon_price": 0, "point": 100},
        {"tax_rate": "0.08", "request_price": 2920, "request_tax": eight_tax, "total_price": 2920,
         "payment_charge": 0, "coupon_price": 0, "point": 0},
    ]


def test_no_difference_when_our_rounding_matches_the_one_rms_used(mixed_order):
    assert check_tax_summary(mixed_order("floor", tax_summary=rms_summary())) == []


def test_a_rounding_setting_out_of_step_with_rms_shows_in_the_tax(mixed_order):
    differences = check_tax_summary(mixed_order("ceil", tax_summary=rms_summary()))
    # On RMS's billed 2,900 at 10 % (263.63…) and 2,920 at 8 % (216.29…), 切り上げ gives 264 and 217.
    assert [(d.rate, d.what, d.ours, d.rms) for d in differences] == [
        (Decimal("0.100"), "tax", 264, 263), (Decimal("0.080"), "tax", 217, 216)
    ]


def test_a_different_total_per_rate_is_a_difference_too(mixed_order):
    differences = check_tax_summary(mixed_order("floor", tax_summary=rms_summary(ten_total=3100, ten_tax=272)))
    assert [(d.what, d.ours, d.rms) for d in differences] == [("total", 3000, 3100)]


def test_nothing_to_compare_without_an_rms_summary(mixed_order):
    assert check_tax_summary(mixed_order("ceil")) == []


@pytest.fixture
def allocated_order(mixed_order, make_store, make_sku, set_stock):
    """An active order whose lines are all matched and allocated, so only the tax check can flag it."""

    def make(rounding, summary):
        order = mixed_order(rounding, tax_summary=summary)
        store, sku = make_store(), make_sku()
        order.account.stores.set([store])
        set_stock(store, sku, 99)
        order.lines.update(sku=sku)
        return allocate_order(order)

    return make


def test_flagging_sets_the_reason_and_the_order_needs_attention(allocated_order):
    order = allocated_order("ceil", rms_summary())
    assert order.state == OrderState.ALLOCATED
    assert [d.what for d in flag_tax_mismatch(order)] == ["tax", "tax"]
    order.refresh_from_db()
    assert order.attention_reasons == [AttentionReason.TAX_MISMATCH]
    assert order.state == OrderState.NEEDS_ATTENTION
    assert tax_mismatch_reasons(order) == ["tax_mismatch"]


def test_flagging_again_after_the_setting_is_fixed_clears_the_reason_and_keeps_the_others(allocated_order):
    order = allocated_order("ceil", rms_summary())
    order.attention_reasons = [AttentionReason.ORDER_CHANGED, AttentionReason.CANCEL_PENDING]
    order.save(update_fields=["attention_reasons"])
    flag_tax_mismatch(order)
    order.refresh_from_db()
    assert order.attention_reasons == ["order_changed", "cancel_pending", "tax_mismatch"]
    order.account.tax_rounding = "floor"
    order.account.save(update_fields=["tax_rounding"])
    assert flag_tax_mismatch(order) == []
    order.refresh_from_db()
    assert order.attention_reasons == ["order_changed", "cancel_pending"]
    assert tax_mismatch_reasons(order) == []
