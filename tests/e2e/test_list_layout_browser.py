"""The order list and the product page at 1366 px, the width of a common office laptop, in headless Chromium.

One line per order (no order number over three lines, no name broken mid-word, no item name one character a
line), every column inside the page, flags as short badges that name the full reason on hover; the product
page's SKU table inside the page.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from inventory.models import Product, Sku
from orders.models import AttentionReason, Order, OrderLine, OrderPackage, OrderState, PaymentMethod
from tests.e2e.test_admin_browser import SCREENSHOTS

USERNAME, PASSWORD = "layout", "browser-test-password"
VIEWPORT = {"width": 1366, "height": 768}

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BUYERS = ["勅使河原 三郎左衛門", "小鳥遊 ひなた", "長谷川 エリザベス真由美", "佐藤 翔太", "西園寺 龍之介",
          "五十嵐 さくらこ", "ＹＡＭＡＤＡ ＨＡＮＡＫＯ", "東海林 美代子", "一 二三", "渡邊 健太郎"]
ITEMS = ["【送料無料】オーガニックコットン 長袖Tシャツ レディース 春夏 ゆったり 大きいサイズ",
         "国産ひのき まな板 抗菌 日本製 40cm", "ステンレス タンブラー 真空断熱 保温保冷 420ml 名入れ無料",
         "北海道産 無添加 いちごジャム 200g×3本セット", "撥水 折りたたみ傘 軽量 晴雨兼用 UVカット 遮光率99%"]
REASONS = [[], [AttentionReason.SHORT_STOCK], [AttentionReason.UNMATCHED_LINE, AttentionReason.UNMAPPED_PAYMENT],
           [], [AttentionReason.TAX_MISMATCH], [AttentionReason.ORDER_CHANGED, AttentionReason.CANCEL_PENDING,
                                                 AttentionReason.SHORT_STOCK]]
# The list shows a narrow column per value; these scripts read what a person sees.
ONE_LINE_CELLS = """() => {
    const rows = [...document.querySelectorAll('#result_list tbody tr')];
    const wrapped = [];
    for (const row of rows) {
        for (const cell of row.cells) {
            const range = document.createRange();
            range.selectNodeContents(cell);
            const rects = [...range.getClientRects()].filter(r => r.width > 0 && r.height > 0);
            if (!rects.length) continue;
            // One line: every piece of text overlaps every other vertically.
            const lowestTop = Math.max(...rects.map(r => r.top));
            const highestBottom = Math.min(...rects.map(r => r.bottom));
            if (lowestTop >= highestBottom) wrapped.push(cell.className + ': ' + cell.innerText);
        }
    }
    return {rows: rows.length, wrapped};
}"""
FITS = """(selector) => {
    const box = document.querySelector(selector);
    return {scroll: box.scrollWidth, client: box.clientWidth, page: document.documentElement.scrollWidth,
            viewport: window.innerWidth};
}"""



@pytest.fixture
def page(browser, live_server, django_user_model):
    django_user_model.objects.create_superuser(USERNAME, "layout@example.com", PASSWORD)
    context = browser.new_context(locale="ja-JP", viewport=VIEWPORT)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/")
    page.fill("#id_username", USERNAME)
    page.fill("#id_password", PASSWORD)
    page.locator('#login-form input[type="submit"]').click()
    page.locator("#user-tools").wait_for()
    yield page
    context.close()


@pytest.fixture
def twenty_orders(make_store, make_account):
    """Twenty orders as a shop's morning brings them: long names, several lines each, some flagged."""
    store = make_store("S01", "本店倉庫")
    accounts = [make_account(name, stores=[store]) for name in ("楽天市場店（アパレル本店）", "楽天 アウトレット館")]
    card = PaymentMethod.objects.create(code="card", name="クレジットカード")
    start = timezone.now() - timedelta(days=1)
    for n in range(20):
        reasons = [str(r) for r in REASONS[n % len(REASONS)]]
        order = Order.objects.create(
            account=accounts[n % 2], order_number=f"397425-20260512-{1000000000 + n * 7919:010d}",
            order_progress=(100, 300, 500)[n % 3], ordered_at=start + timedelta(minutes=37 * n),
            state=OrderState.NEEDS_ATTENTION if reasons else OrderState.ALLOCATED, attention_reasons=reasons,
            buyer_name=BUYERS[n % len(BUYERS)], request_price=1280 + n * 13_579, payment_method=card)
        package = OrderPackage.objects.create(order=order, basket_id=n + 1, recipient_name=BUYERS[n % len(BUYERS)])
        for index in range(1 + n % 4):
            OrderLine.objects.create(order=order, package=package, item_detail_id=n * 10 + index,
                                     name=ITEMS[(n + index) % len(ITEMS)], price=1980, units=1 + index % 3)
    return accounts


@pytest.fixture
def product_with_skus():
    product = Product.objects.create(code="TEE-ORGANIC-LONG-2026SS", name=ITEMS[0], price=3980)
    for size in ("S", "M", "L", "XL"):
        for colour in ("オフホワイト", "チャコールグレー"):
            Sku.objects.create(product=product, code=f"TEE-ORGANIC-LONG-{size}-{colour[:2]}",
                               name=f"オーガニックコットン 長袖Tシャツ {size} {colour}", jan_code="4901234567894",
                               options={"サイズ": size, "カラー": colour})
    return product


def _shoot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name), full_page=True)


def test_the_order_list_shows_one_line_per_order_at_1366_px(page, live_server, twenty_orders):
    page.goto(f"{live_server.url}/admin/orders/order/")
    _shoot(page, "order_list_1366.png")

    lines = page.evaluate(ONE_LINE_CELLS)
    assert lines["rows"] == 20
    assert lines["wrapped"] == []
    fits = page.evaluate(FITS, ".results")
    assert fits["scroll"] <= fits["client"], fits  # no column hidden behind a scroll bar
    assert fits["page"] <= fits["viewport"], fits
    # The account column is wholly on screen; a name cut short keeps its whole text on hover.
    account = page.evaluate("""() => [...document.querySelectorAll('#result_list td.field-account_name')].map(cell => {
        const name = cell.querySelector('.clip');
        return {right: cell.getBoundingClientRect().right, limit: document.documentElement.clientWidth,
                clipped: name.scrollWidth > name.clientWidth, title: name.title, text: name.innerText};
    })""")
    assert len(account) == 20
    assert all(c["right"] <= c["limit"] for c in account), account
    assert {c["title"] for c in account} == {a.name for a in twenty_orders}
    assert all(c["text"] == c["title"] or c["clipped"] for c in account), account


def test_order_list_flags_are_short_badges_with_the_full_reason_on_hover(page, live_server, twenty_orders):
    page.goto(f"{live_server.url}/admin/orders/order/")
    badges = page.locator("#result_list td.field-list_flags .flag")
    short = page.locator("#result_list td.field-list_flags .flag", has_text="欠品").first
    assert short.inner_text() == "欠品" and short.get_attribute("title") == "在庫不足（欠品）"
    tax = page.locator("#result_list td.field-list_flags .flag", has_text="税額").first
    assert tax.get_attribute("title") == "税率別内訳がRMSと異なります（消費税の端数処理の設定を確認してください）"
    assert all(len(text) <= 6 for text in badges.all_inner_texts())
    # Four lines read as the first and a count of the others; the title lists all four.
    order = Order.objects.get(order_number__endswith=f"{1000000000 + 3 * 7919:010d}")
    summary = page.locator(f"#result_list tr:has-text('{order.order_number}') .line-summary")
    assert summary.inner_text() == f"{ITEMS[3]} ×1 他3点"
    assert summary.get_attribute("title").split("\n") == [f"{line.name} ×{line.units}" for line in order.lines.all()]
    # "No" is not a red cross: the order page's boolean columns show it grey.
    page.goto(f"{live_server.url}/admin/orders/order/{order.pk}/change/")
    _shoot(page, "order_page_1366.png")
    no = page.locator("img[src$='icon-no.svg']").first
    assert "grayscale(1)" in no.evaluate("img => getComputedStyle(img).filter")


def test_the_product_page_sku_table_fits_at_1366_px(page, live_server, product_with_skus):
    page.goto(f"{live_server.url}/admin/inventory/product/{product_with_skus.pk}/change/")
    _shoot(page, "product_page_1366.png")
    assert page.locator("#skus-group tbody tr.has_original").count() == 8
    fits = page.evaluate(FITS, "#content")
    assert fits["scroll"] <= fits["client"], fits
    assert fits["page"] <= fits["viewport"], fits
    table = page.evaluate(FITS, "#skus-group")
    assert table["scroll"] <= table["client"], table
