"""The fetch and refresh jobs write each order's timeline in bulk, and the order page shows it in Japanese."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from orders.models import MailTemplate, Order, OrderEvent
from rakuten_link.sync.jobs import run_account_job


def run(account, kind):
    result = run_account_job(account, kind)
    assert result.status == "success", result.error
    return result


def steps(order) -> list[tuple[str, str]]:
    return [(e.kind, e.job) for e in OrderEvent.objects.filter(order=order).order_by("at", "id")]


def test_a_fetched_then_cancelled_order_shows_each_step_and_the_job(order_shop, rms_orders):
    template = MailTemplate.objects.create(name="c", subject="キャンセル {order_number}", body="本文")
    order_shop.account.template_cancelled = template
    order_shop.account.save()
    number, = rms_orders.create({"OrdererModel": {"emailAddress": "abc0123@pc.fw.rakuten.ne.jp"},
                                 "PackageModelList": [{"ItemModelList": [
                                     {"manageNumber": "tee01", "variantId": "tee01-m-blk", "units": 2}]}]})
    run(order_shop.account, "orders")
    order = Order.objects.get(order_number=number)
    assert steps(order) == [("fetched", "orders"), ("allocated", "orders")]
    assert OrderEvent.objects.get(order=order, kind="fetched").data == {"progress": 100}
    rms_orders.cancel(number)
    run(order_shop.account, "open-orders")
    assert steps(order)[2:] == [("changed", "open-orders"), ("cancelled", "open-orders"),
                                ("message_queued", "open-orders")]


def test_a_batch_of_new_orders_writes_its_timeline_in_one_statement(order_shop, rms_orders):
    rms_orders.random(100)
    with CaptureQueriesContext(connection) as queries:
        run(order_shop.account, "orders")
    inserts = [q for q in queries.captured_queries  # COPY on PostgreSQL (lib/fastwrite.insert_values)
               if 'INSERT INTO "orders_orderevent"' in q["sql"] or 'COPY "orders_orderevent"' in q["sql"]]
    assert len(inserts) == 1 and OrderEvent.objects.filter(kind="fetched").count() == 100


def test_the_order_page_shows_the_timeline_newest_first_in_japanese(order_shop, rms_orders, admin_client):
    number, = rms_orders.create({"PackageModelList": [{"ItemModelList": [
        {"manageNumber": "tee01", "variantId": "tee01-m-blk", "units": 2}]}]})
    run(order_shop.account, "orders")
    rms_orders.advance(number, 300)
    run(order_shop.account, "open-orders")
    order = Order.objects.get(order_number=number)
    page = admin_client.get(f"/admin/orders/order/{order.pk}/change/").content.decode()
    timeline = page[page.index('class="order-timeline"'):]
    timeline = timeline[:timeline.index("</table>")]
    changed, allocated, fetched = (timeline.index(text) for text in ("楽天側で変更", "在庫引当", "受注取得</td>"))
    assert changed < allocated < fetched  # newest first
    assert "楽天ステータス：100 注文確認待ち" in timeline and "ジョブ：受注取得" in timeline
    assert "ジョブ：未完了受注の再取得" in timeline and "300 発送待ち" in timeline
