"""The dashboard in real headless Chromium: after login the admin opens on each account's state, in Japanese."""

from __future__ import annotations

import re

import pytest

from tests.e2e.test_admin_browser import SCREENSHOTS, logged_in, page  # noqa: F401  (fixtures)
from tests.rakuten_link.admin.test_dashboard import seed_busy_account

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def make_mapping():
    from rakuten_link.models import ProductMapping

    def make(account, manage_number: str, variant_id: str, sku, **fields):
        return ProductMapping.objects.create(account=account, manage_number=manage_number, variant_id=variant_id,
                                             sku=sku, **fields)

    return make


def figures_of(section) -> dict[str, str]:
    """{figure key: its text} as the browser shows them in one account's section."""
    texts = {}
    for figure in section.locator(".account-figures [data-figure]").all():
        texts[figure.get_attribute("data-figure")] = figure.locator("dd").inner_text().strip()
    return texts


def number(text: str) -> int:
    return int(re.sub(r"\D", "", text))


def test_the_admin_opens_on_each_accounts_figures(logged_in, live_server, make_account, make_order,  # noqa: F811
                                                  make_mapping, make_sku, make_store):
    store = make_store()
    seed_busy_account(make_account, make_order, make_mapping, make_sku, store)
    make_account("楽天B店", stores=[store], job_push_inventory=False)
    tab = logged_in
    tab.goto(f"{live_server.url}/admin/")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SCREENSHOTS / "dashboard.png"), full_page=True)  # before asserting: shows failures too

    assert tab.locator("html").get_attribute("lang") == "ja"
    sections = tab.locator("section.account-state")
    assert [s.get_attribute("data-account") for s in sections.all()] == ["楽天A店", "楽天B店"]
    busy, quiet = sections.nth(0), sections.nth(1)
    assert busy.locator('[data-figure="status"]').inner_text() == "有効"
    assert quiet.locator('[data-figure="status"]').inner_text() == "未確認"

    figures = figures_of(busy)
    counts = {key: number(figures[key]) for key in ("failed_runs", "to_confirm", "to_ship", "unmatched_lines",
                                                     "mapping_errors", "unreported_shipments", "orders_today")}
    assert counts == {"failed_runs": 2, "to_confirm": 2, "to_ship": 1, "unmatched_lines": 1, "mapping_errors": 2,
                      "unreported_shipments": 2, "orders_today": 4}
    assert figures["sales_today"] == "¥6,000"
    assert {number(text) for key, text in figures_of(quiet).items() if key != "oldest_push"} == {0}

    jobs = busy.locator("tr[data-job]")
    assert jobs.locator("th").all_inner_texts()[:3] == ["受注取得", "未完了受注の再取得", "在庫更新"]
    levels = {row.get_attribute("data-job"): row.get_attribute("class") for row in jobs.all()}
    assert (levels["orders"], levels["inventory"], levels["mappings"]) == ("level-ok", "level-amber", "level-red")
    # The colours are really applied: an amber age is not drawn in the green of a fresh one.
    colour = busy.locator('tr[data-job="inventory"] .age').evaluate("e => getComputedStyle(e).color")
    assert colour != busy.locator('tr[data-job="orders"] .age').evaluate("e => getComputedStyle(e).color")

    busy.locator('[data-figure="to_confirm"] a').click()
    tab.wait_for_load_state()
    assert "/admin/orders/order/" in tab.url and tab.locator("#result_list tbody tr").count() == 2
