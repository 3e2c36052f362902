"""An order's whole story in real headless Chromium: fetched from the RMS sandbox, mailed through the local
relay, confirmed and shipped by a staff member on its page, reported by the job, and a second order cancelled;
each order page's timeline shows every step in Japanese, newest first, with who and when."""

from __future__ import annotations

import re

import pytest

from orders.models import MailTemplate, Order
from rakuten_link.sync.jobs import run_account_job
from tests.e2e.test_admin_browser import SCREENSHOTS, USERNAME, logged_in, page  # noqa: F401
from tests.rakuten_link.conftest import SandboxOrders, account, order_shop, rms  # noqa: F401
from tests.support.smtp import LOGIN, PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
BUYER = "abc123@pc.fw.rakuten.ne.jp"
WHEN = re.compile(r"^\d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2}$")


@pytest.fixture
def mailing_shop(order_shop, smtp_relay):  # noqa: F811
    shop = order_shop.account
    templates = {event: MailTemplate.objects.create(name=event, subject=f"{event} {{注文番号}}", body="{購入者名} 様")
                 for event in ("new_order", "shipped", "cancelled")}
    shop.smtp_id, shop.smtp_password, shop.smtp_from_address = LOGIN, PASSWORD, "shop@example.com"
    shop.template_new_order, shop.template_shipped = templates["new_order"], templates["shipped"]
    shop.template_cancelled = templates["cancelled"]
    shop.save()
    return shop, SandboxOrders(order_shop.sandbox)


def run(shop, kind):
    result = run_account_job(shop, kind)
    assert result.status == "success", result.error


def timeline_rows(tab) -> list[list[str]]:
    """(when, what, details, by) per row, as the page shows them (newest first)."""
    rows = tab.locator("table.order-timeline tbody tr")
    return [[cell.strip() for cell in rows.nth(i).locator("td").all_inner_texts()] for i in range(rows.count())]


def test_the_timeline_tells_an_orders_story_from_fetch_to_mail(logged_in, live_server, mailing_shop,  # noqa: F811
                                                               smtp_relay):
    shop, sandbox = mailing_shop
    number, cancelled_number = (sandbox.create({"OrdererModel": {"emailAddress": BUYER}, "PackageModelList": [
        {"ItemModelList": [{"manageNumber": "tee01", "variantId": "tee01-m-blk", "units": 1}]}]})[0]
        for _ in range(2))
    run(shop, "orders")  # fetched, allocated, order-received mail queued
    run(shop, "messages")  # … and sent through the relay
    order = Order.objects.get(order_number=number)
    tab = logged_in
    tab.goto(f"{live_server.url}/admin/orders/order/{order.pk}/change/")
    tab.locator("form.confirm-order input[type='submit']").click()  # 注文確認 in RMS, by the staff member
    tab.wait_for_load_state()
    form = tab.locator("form.ship-order")
    form.locator("select[name='ship-delivery_company']").select_option(label="佐川急便")
    form.locator("input[name='ship-tracking_number']").fill("3600-1234-5678")
    form.locator("input[type='submit']").click()  # 発送, by the staff member
    tab.wait_for_load_state()
    run(shop, "shipments")  # reported to RMS; the shipped mail is queued
    run(shop, "messages")
    tab.goto(f"{live_server.url}/admin/orders/order/{order.pk}/change/")
    tab.locator("table.order-timeline").scroll_into_view_if_needed()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SCREENSHOTS / "order_timeline.png"), full_page=True)

    rows = timeline_rows(tab)
    assert all(WHEN.match(when) for when, *_rest in rows)
    assert [when for when, *_rest in rows] == sorted((when for when, *_rest in rows), reverse=True)
    steps = [(what, by) for _when, what, _details, by in reversed(rows)]  # oldest first
    expected = [
        ("受注取得", "ジョブ：受注取得"), ("在庫引当", "ジョブ：受注取得"),
        ("購入者メールを送信待ちに登録", "ジョブ：受注取得"), ("購入者メール送信", "ジョブ：購入者へのメール送信"),
        ("注文確認（RMS）", USERNAME), ("楽天側で変更", USERNAME),
        ("発送を登録", USERNAME), ("発送済", USERNAME),
        ("発送連絡（RMSが受付）", "ジョブ：発送済みステータス連携"),
        ("購入者メールを送信待ちに登録", "ジョブ：発送済みステータス連携"),
        ("購入者メール送信", "ジョブ：購入者へのメール送信"),
    ]
    assert [step for step in steps if step in expected] == expected, steps
    details = {what: text for _when, what, text, _by in rows}
    assert "楽天ステータス：100 注文確認待ち" in details["受注取得"]
    assert "佐川急便 3600-1234-5678" in details["発送連絡（RMSが受付）"]
    assert "100 注文確認待ち" in details["楽天側で変更"] and "200 楽天処理中" in details["楽天側で変更"]
    assert len(smtp_relay.received) == 3  # both orders' order-received mails and the shipped one

    other = Order.objects.get(order_number=cancelled_number)
    tab.goto(f"{live_server.url}/admin/orders/order/{other.pk}/change/")
    tab.locator("details.cancel-order summary").click()
    tab.locator("details.cancel-order select").select_option(index=1)
    reason = tab.locator("details.cancel-order select option:checked").inner_text().strip()
    tab.locator("details.cancel-order input[type='submit']").click()  # キャンセル in RMS, by the staff member
    tab.wait_for_load_state()
    run(shop, "messages")
    tab.goto(f"{live_server.url}/admin/orders/order/{other.pk}/change/")
    tab.screenshot(path=str(SCREENSHOTS / "order_timeline_cancelled.png"), full_page=True)
    rows = timeline_rows(tab)
    steps = [(what, by) for _when, what, _details, by in reversed(rows)]
    assert next(details for _when, what, details, _by in rows if what == "キャンセル") == reason
    assert steps[-3:] == [("キャンセル", USERNAME), ("購入者メールを送信待ちに登録", USERNAME),
                          ("購入者メール送信", "ジョブ：購入者へのメール送信")], steps
    assert len(smtp_relay.received) == 4
