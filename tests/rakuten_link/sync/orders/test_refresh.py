"""`rakuten_sync open-orders`: cancellations release stock, every other change becomes change rows."""

import pytest

from inventory.models import StockLevel, StockMovement
from orders.models import Order, OrderChange
from orders.services import mark_checked
from rakuten_link.sync.jobs import run_account_job


def run(account, kind):
    result = run_account_job(account, kind)
    assert result.status == "success", result.error
    return result


def stock(order_shop, variant_id: str) -> int:
    return StockLevel.objects.get(sku=order_shop.skus[variant_id], store=order_shop.account.stores.get()).available


def changes(order: Order) -> dict[str, tuple[str, str]]:
    return {c.field: (c.old_value, c.new_value) for c in OrderChange.objects.filter(order=order)}


@pytest.fixture
def stored(order_shop, rms_orders):
    """One fetched order: 2 × tee01-m-blk in one basket."""
    number, = rms_orders.create({"PackageModelList": [{"ItemModelList": [
        {"manageNumber": "tee01", "variantId": "tee01-m-blk", "units": 2}]}]})
    run(order_shop.account, "orders")
    rms_orders.clear_log()
    return Order.objects.get(order_number=number)


def test_a_cancellation_releases_the_allocation(order_shop, rms_orders, stored, ledger_check):
    assert stock(order_shop, "tee01-m-blk") == 8
    rms_orders.cancel(stored.order_number)
    result = run(order_shop.account, "open-orders")
    stored.refresh_from_db()
    assert stored.state == "cancelled" and stored.order_progress == 900 and result.counts["cancelled"] == 1
    assert stock(order_shop, "tee01-m-blk") == 10
    assert changes(stored)["order_progress"] == ("100", "900")
    assert any(field.startswith("raw:ChangeReasonModelList") for field in changes(stored))
    release = StockMovement.objects.get(kind="order_release")
    assert release.allocated_change == -2 and release.reference == stored.order_number
    assert ledger_check(order_shop.account) == 0
    rms_orders.clear_log()
    run(order_shop.account, "open-orders")
    assert rms_orders.log("rpay.order.getOrder") == []  # 900 is final: never asked again


def test_status_moves_are_recorded_not_silently_overwritten(order_shop, rms_orders, stored):
    rms_orders.advance(stored.order_number, 300)
    run(order_shop.account, "open-orders")
    stored.refresh_from_db()
    found = changes(stored)
    assert found["order_progress"] == ("100", "300")
    assert found["confirmed_at"][0] == "" and found["confirmed_at"][1]
    assert found["fixed_at"][1] and "raw:shippingInstDatetime" in found and "raw:cancelDueDate" in found
    assert stored.order_progress == 300 and stored.state == "allocated"
    assert StockMovement.objects.filter(kind="order_allocation").count() == 1


def test_unchanged_orders_cost_one_call_and_a_few_queries(order_shop, rms_orders, django_assert_max_num_queries):
    rms_orders.random(100)
    run(order_shop.account, "orders")
    with django_assert_max_num_queries(30):
        result = run(order_shop.account, "open-orders")
    assert result.counts["unchanged"] == 100 and not OrderChange.objects.exists()


def test_more_units_allocate_more_and_flag_the_order(order_shop, rms_orders, stored, ledger_check):
    sent = rms_orders.get(stored.order_number)
    line = sent["PackageModelList"][0]["ItemModelList"][0]
    line["units"] = 3
    rms_orders.patch(stored.order_number, {"PackageModelList": sent["PackageModelList"]})
    run(order_shop.account, "open-orders")
    stored.refresh_from_db()
    assert changes(stored)[f"line:{line['itemDetailId']}:units"] == ("2", "3")
    assert stored.lines.get().allocated_units == 3 and stock(order_shop, "tee01-m-blk") == 7
    assert stored.attention_reasons == ["order_changed"] and stored.state == "needs_attention"
    assert mark_checked(stored).state == "allocated"
    ledger_check(order_shop.account)


def test_a_deleted_line_gives_its_stock_back(order_shop, rms_orders, stored, ledger_check):
    sent = rms_orders.get(stored.order_number)
    sent["PackageModelList"][0]["ItemModelList"][0]["deleteItemFlag"] = 1
    rms_orders.patch(stored.order_number, {"PackageModelList": sent["PackageModelList"]})
    run(order_shop.account, "open-orders")
    line = stored.lines.get()
    assert line.removed and line.allocated_units == 0 and stock(order_shop, "tee01-m-blk") == 10
    ledger_check(order_shop.account)


def test_a_line_that_becomes_another_sku_moves_its_allocation(order_shop, rms_orders, stored, ledger_check):
    sent = rms_orders.get(stored.order_number)
    item = sent["PackageModelList"][0]["ItemModelList"][0]
    item["SkuModelList"][0]["variantId"] = "tee01-l-blk"
    rms_orders.patch(stored.order_number, {"PackageModelList": sent["PackageModelList"]})
    run(order_shop.account, "open-orders")
    line = stored.lines.get()
    assert line.sku == order_shop.skus["tee01-l-blk"] and line.allocated_units == 2
    assert (stock(order_shop, "tee01-m-blk"), stock(order_shop, "tee01-l-blk")) == (10, 8)
    ledger_check(order_shop.account)


def test_address_and_amount_changes_are_recorded(order_shop, rms_orders, stored):
    basket = stored.packages.get().basket_id
    sent = rms_orders.get(stored.order_number)
    sent["PackageModelList"][0]["SenderModel"]["city"] = "港区"
    rms_orders.patch(stored.order_number, {"OrdererModel": {"city": "港区"}, "requestPrice": 1,
                                           "PackageModelList": sent["PackageModelList"], "memo": "ギフト包装"})
    run(order_shop.account, "open-orders")
    found = changes(Order.objects.get(pk=stored.pk))
    assert found["buyer_address"][1].startswith("東京都港区")
    assert found[f"package:{basket}:recipient_address"][1].startswith("東京都港区")
    assert found["request_price"][1] == "1" and found["raw:memo"] == ("", "ギフト包装")
    assert not [f for f in found if f.startswith("raw:OrdererModel") or f.startswith("raw:PackageModelList")]


def test_shipping_rows_are_recorded_as_marketplace_data(order_shop, rms_orders, stored):
    sent = rms_orders.get(stored.order_number)
    sent["PackageModelList"][0]["ShippingModelList"] = [
        {"shippingDetailId": 77, "deliveryCompany": "1001", "shippingNumber": "123412341234",
         "shippingDate": "2025-01-02"}]
    rms_orders.patch(stored.order_number, {"PackageModelList": sent["PackageModelList"]})
    run(order_shop.account, "open-orders")
    basket = stored.packages.get().basket_id
    row = OrderChange.objects.get(order=stored)
    assert row.field == f"raw:PackageModelList[{basket}].ShippingModelList[77]" and "123412341234" in row.new_value


def test_shipped_then_cancelled_keeps_the_stock_out_and_asks_for_a_check(order_shop, rms_orders, stored):
    rms_orders.progress(stored.order_number, 500)
    run(order_shop.account, "open-orders")
    stored.refresh_from_db()
    assert stored.state == "shipped"
    rms_orders.progress(stored.order_number, 900)
    run(order_shop.account, "open-orders")
    stored.refresh_from_db()
    assert stored.state == "cancelled" and stored.attention_reasons == ["cancelled_after_shipping"]
    assert stock(order_shop, "tee01-m-blk") == 8 and not StockMovement.objects.filter(kind="order_release").exists()


def test_a_pending_cancellation_needs_attention(order_shop, rms_orders, stored):
    rms_orders.progress(stored.order_number, 800)
    run(order_shop.account, "open-orders")
    stored.refresh_from_db()
    assert stored.state == "needs_attention" and stored.attention_reasons == ["cancel_pending"]
    assert stock(order_shop, "tee01-m-blk") == 8


def test_final_orders_are_not_refreshed(order_shop, rms_orders):
    open_, paid, cancelled = rms_orders.create({"orderProgress": 300}, {"orderProgress": 700}, {"orderProgress": 900})
    run(order_shop.account, "orders")
    rms_orders.clear_log()
    run(order_shop.account, "open-orders")
    asked, = [entry["body"]["orderNumberList"] for entry in rms_orders.log("rpay.order.getOrder")]
    assert asked == [open_]


def test_a_line_moved_to_a_sku_without_stock_holds_nothing(order_shop, rms_orders, stored):
    StockLevel.objects.filter(sku=order_shop.skus["tee01-l-blk"]).update(on_hand=0)
    sent = rms_orders.get(stored.order_number)
    sent["PackageModelList"][0]["ItemModelList"][0]["SkuModelList"][0]["variantId"] = "tee01-l-blk"
    rms_orders.patch(stored.order_number, {"PackageModelList": sent["PackageModelList"]})
    run(order_shop.account, "open-orders")
    stored.refresh_from_db()
    line = stored.lines.get()
    assert line.allocated_units == 0 and line.needs_attention and stock(order_shop, "tee01-m-blk") == 10
    assert stored.attention_reasons == ["order_changed", "short_stock"]
    assert [m.allocated_change for m in StockMovement.objects.order_by("pk")] == [2, -2]
