"""`rakuten_sync orders`: searchOrder from the cursor, getOrder by 100, upsert, allocate — against the sandbox."""

from datetime import timedelta

from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from inventory.models import StockLevel, StockMovement
from orders.models import Order, OrderChange, OrderLine
from rakuten_link.models import AlertLog, ProductMapping, SyncCursor
from rakuten_link.rms.dates import format_order_datetime, parse_datetime
from rakuten_link.sandbox.state.faults import FaultRule
from rakuten_link.sync.jobs import run_account_job


def fetch(account, **options):
    run = run_account_job(account, "orders", **options)
    assert run.status == "success", run.error
    return run


def on_hand(order_shop, variant_id: str) -> int:
    return StockLevel.objects.get(sku=order_shop.skus[variant_id], store=order_shop.account.stores.get()).available


def test_a_fetch_stores_the_order_its_packages_lines_amounts_and_allocates_stock(order_shop, rms_orders):
    number, = rms_orders.create({
        "SettlementModel": {"settlementMethodCode": 1}, "remarks": "[配送日時指定:]\n午前中",
        "OrdererModel": {"emailAddress": "abc@pc.fw.rakuten.ne.jp", "phoneNumber1": "090", "phoneNumber2": "1234",
                         "phoneNumber3": "5678", "familyNameKana": "ラクテン", "firstNameKana": "タロウ"},
        "PackageModelList": [
            {"ItemModelList": [{"manageNumber": "tee01", "variantId": "tee01-m-blk", "units": 2}]},
            {"SenderModel": {"familyName": "山田", "firstName": "花子", "prefecture": "大阪府", "city": "大阪市北区",
                             "subAddress": "梅田1-1-3"},
             "ItemModelList": [{"manageNumber": "tote01", "variantId": "tote01", "units": 1}]},
        ],
    })
    run = fetch(order_shop.account)

    sent = rms_orders.get(number)
    order = Order.objects.get(order_number=number)
    buyer = sent["OrdererModel"]
    assert order.account == order_shop.account and order.order_progress == 100
    assert order.buyer_name == f"{buyer['familyName']} {buyer['firstName']}"
    assert order.buyer_email == buyer["emailAddress"] == "abc@pc.fw.rakuten.ne.jp"
    assert order.buyer_phone == "090-1234-5678" and order.buyer_kana == "ラクテン タロウ"
    assert (order.goods_price, order.postage_price, order.request_price) == (
        sent["goodsPrice"], sent["postagePrice"], sent["requestPrice"])
    assert order.settlement_method_code == 1 and order.payment_method == order_shop.methods["card"]
    assert order.tax_summary[0]["request_price"] == sent["TaxSummaryModelList"][0]["reqPrice"]
    assert order.remarks.startswith("[配送日時指定:]") and len(order.content_hash) == 64
    assert order.raw["OrdererModel"] == buyer and order.raw["orderDatetime"] == sent["orderDatetime"]
    packages = {p.recipient_name: p for p in order.packages.all()}
    assert packages["山田 花子"].recipient_address == "大阪府大阪市北区梅田1-1-3"
    lines = {line.variant_id: line for line in order.lines.all()}
    assert lines["tee01-m-blk"].sku == order_shop.skus["tee01-m-blk"] and lines["tee01-m-blk"].allocated_units == 2
    assert lines["tote01"].package == packages["山田 花子"]
    assert order.state == "allocated" and order.attention_reasons == []
    assert (on_hand(order_shop, "tee01-m-blk"), on_hand(order_shop, "tote01")) == (8, 9)
    assert run.counts["new"] == 1 and "1" in run.summary

    search, = rms_orders.log("rpay.order.searchOrder")
    get, = rms_orders.log("rpay.order.getOrder")
    assert search["body"]["dateType"] == 1 and search["body"]["PaginationRequestModel"]["requestRecordsAmount"] == 1000
    assert get["body"]["orderNumberList"] == [number] and get["body"]["version"] >= 7


def test_getorder_takes_100_at_a_time_and_calls_are_the_minimum(order_shop, rms_orders, ledger_check):
    numbers = rms_orders.random(250)
    fetch(order_shop.account)
    batches = [entry["body"]["orderNumberList"] for entry in rms_orders.log("rpay.order.getOrder")]
    assert [len(b) for b in batches] == [100, 100, 50] and sorted(sum(batches, [])) == sorted(numbers)
    assert len(rms_orders.log("rpay.order.searchOrder")) == 1
    assert Order.objects.count() == 250
    assert ledger_check(order_shop.account) > 0


def test_a_new_account_starts_seven_days_back_then_the_cursor_minus_the_overlap(order_shop, rms_orders, settings):
    rms_orders.random(3)
    before = timezone.now()
    fetch(order_shop.account)
    first = parse_datetime(rms_orders.log("rpay.order.searchOrder")[0]["body"]["startDatetime"])
    assert abs(first - (before - timedelta(days=7))) < timedelta(minutes=1)
    cursor = SyncCursor.objects.get(account=order_shop.account, kind="orders").position
    assert before <= cursor <= timezone.now()

    settings.RAKUTEN_ORDER_OVERLAP_MINUTES = 30
    rms_orders.clear_log()
    run = fetch(order_shop.account)
    second = parse_datetime(rms_orders.log("rpay.order.searchOrder")[0]["body"]["startDatetime"])
    assert second == (cursor - timedelta(minutes=30)).replace(microsecond=0)
    assert rms_orders.log("rpay.order.getOrder") == []  # the 3 orders in the overlap are already stored
    assert run.counts["listed"] == 3 and run.counts["new"] == 0


def test_since_backfills_older_orders(order_shop, rms_orders, capsys):
    old = timezone.now() - timedelta(days=20)
    number, = rms_orders.create({"orderDatetime": format_order_datetime(old)})
    fetch(order_shop.account)
    assert not Order.objects.exists()
    day = timezone.localtime(old).date().isoformat()
    call_command("rakuten_sync", "orders", "--account", order_shop.account.name, "--since", day)
    assert Order.objects.get().order_number == number
    assert "success" in capsys.readouterr().out


def test_a_malformed_since_fails_the_run_with_a_clear_message(order_shop):
    run = run_account_job(order_shop.account, "orders", since="2025/01/31")
    assert run.status == "failed" and "2025/01/31" in run.error


def test_pre_sku_orders_match_through_their_choice_names(order_shop, rms_orders, make_sku, ledger_check):
    sku = make_sku("OLDTEE-BLK-M")
    for store in order_shop.account.stores.all():
        StockLevel.objects.create(store=store, sku=sku, on_hand=10)
    ProductMapping.objects.create(account=order_shop.account, manage_number="oldtee", legacy_h_choice="ブラック",
                                  legacy_v_choice="M", sku=sku)
    rms_orders.create({"PackageModelList": [{"ItemModelList": [
        {"manageNumber": "oldtee", "selectedChoice": "カラー:ブラック\nサイズ:M\nラッピング:希望する",
         "SkuModelList": []},
    ]}]})
    fetch(order_shop.account)
    line = OrderLine.objects.get()
    assert line.variant_id == "" and line.sku == sku and line.allocated_units == 1
    ledger_check(order_shop.account)


def test_unmatched_lines_are_kept_flagged_and_alerted_at_most_once_an_hour(order_shop, rms_orders):
    first, = rms_orders.create({"PackageModelList": [{"ItemModelList": [
        {"manageNumber": "mystery01", "variantId": "mystery01-x", "units": 2},
        {"manageNumber": "tee01", "variantId": "tee01-s-wht"},
    ]}]})
    fetch(order_shop.account)
    order = Order.objects.get(order_number=first)
    unmatched = order.lines.get(manage_number="mystery01")
    assert unmatched.sku is None and unmatched.needs_attention and unmatched.units == 2
    assert order.state == "needs_attention" and order.attention_reasons == ["unmatched_line"]
    assert order.lines.get(manage_number="tee01").allocated_units == 1
    assert len(mail.outbox) == 1 and "要確認" in mail.outbox[0].subject
    assert first in mail.outbox[0].body and "mystery01" in mail.outbox[0].body
    assert mail.outbox[0].to == ["alerts@example.com"]

    rms_orders.create({"PackageModelList": [{"ItemModelList": [{"manageNumber": "mystery02"}]}]})
    fetch(order_shop.account)
    assert Order.objects.filter(attention_reasons__icontains="unmatched_line").count() == 2
    assert len(mail.outbox) == 1 and AlertLog.objects.filter(kind="order_unmatched_lines").count() == 1


def test_unmapped_payment_methods_are_flagged_and_alerted(order_shop, rms_orders):
    number, = rms_orders.create({"SettlementModel": {"settlementMethodCode": 17}})
    fetch(order_shop.account)
    order = Order.objects.get()
    assert order.payment_method is None and order.settlement_method_name == "PayPal"
    assert order.attention_reasons == ["unmapped_payment"]
    assert AlertLog.objects.filter(kind="order_unmapped_payment").count() == 1
    assert len(mail.outbox) == 1 and number in mail.outbox[0].body and "17 PayPal" in mail.outbox[0].body


def test_orders_seen_first_as_shipped_or_cancelled(order_shop, rms_orders):
    shipped, cancelled = rms_orders.create({"orderProgress": 500}, {"orderProgress": 900})
    fetch(order_shop.account)
    assert Order.objects.get(order_number=shipped).state == "shipped"
    order = Order.objects.get(order_number=cancelled)
    assert order.state == "cancelled" and order.lines.get().allocated_units == 0
    assert not StockMovement.objects.filter(reference=cancelled).exists()


def test_auto_confirm_confirms_new_orders_by_100(order_shop, rms_orders):
    order_shop.account.auto_confirm_orders = True
    order_shop.account.save()
    numbers = rms_orders.random(101)  # one over a confirmOrder call's 100: two calls
    run = fetch(order_shop.account)
    calls = [entry["body"]["orderNumberList"] for entry in rms_orders.log("rpay.order.confirmOrder")]
    assert sorted(len(c) for c in calls) == [1, 100] and sorted(sum(calls, [])) == sorted(numbers)
    assert {rms_orders.get(n)["orderProgress"] for n in numbers} == {200}
    assert set(Order.objects.values_list("order_progress", flat=True)) == {200}
    assert OrderChange.objects.filter(field="order_progress", new_value="200").count() == 101
    assert run.counts["confirmed"] == 101

    run = run_account_job(order_shop.account, "open-orders")
    assert not OrderChange.objects.filter(field="order_progress").exclude(new_value="200").exists()
    assert OrderChange.objects.filter(field="confirmed_at").count() == 101


def test_without_auto_confirm_nothing_is_confirmed(order_shop, rms_orders):
    rms_orders.random(2)
    fetch(order_shop.account)
    assert rms_orders.log("rpay.order.confirmOrder") == []


def test_a_failed_fetch_alerts_and_leaves_the_cursor_where_it_was(order_shop, rms_orders):
    rms_orders.random(5)
    order_shop.sandbox.state.faults.add(FaultRule("rpay.order.getOrder", 50, 503))
    run = run_account_job(order_shop.account, "orders")
    assert run.status == "failed" and "503" in run.error
    assert not SyncCursor.objects.exists() and not Order.objects.exists()
    assert AlertLog.objects.filter(kind="order_fetch_failed").count() == 1
    assert len(mail.outbox) == 1 and "503" in mail.outbox[0].body
    order_shop.sandbox.state.faults.clear()
    fetch(order_shop.account)
    assert Order.objects.count() == 5


def test_an_order_listed_but_not_returned_holds_the_cursor(order_shop, rms_orders, monkeypatch):
    from rakuten_link.rms import RmsClient

    numbers = rms_orders.random(3)
    real = RmsClient.get_orders
    monkeypatch.setattr(RmsClient, "get_orders", lambda self, n, **kw: [o for o in real(self, n, **kw)
                                                                        if o.order_number != numbers[0]])
    run = fetch(order_shop.account)
    assert run.counts["missing"] == 1 and Order.objects.count() == 2
    assert not SyncCursor.objects.exists()
    monkeypatch.undo()
    fetch(order_shop.account)
    assert Order.objects.count() == 3 and SyncCursor.objects.exists()
