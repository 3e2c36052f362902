"""The order list's search: each kind of term finds the right orders, through an index (orders/search.py)."""

import pytest
from django.contrib import admin
from django.db import connection

from orders.models import Order
from orders.search import search_orders


@pytest.fixture
def shop(make_account, make_order):
    account = make_account("楽天本店")
    return {
        "A": make_order(account, order_number="338001-20251201-1000012345", buyer_name="佐藤 翔太",
                        buyer_kana="サトウ ショウタ", buyer_phone="090-1111-2222",
                        buyer_email="abc123@pc.fw.rakuten.ne.jp"),
        "B": make_order(account, order_number="338001-20251130-1000099999", buyer_name="鈴木 美咲",
                        buyer_kana="スズキ ミサキ", buyer_phone="080-3333-4444",
                        buyer_email="zzz999@pc.fw.rakuten.ne.jp"),
        "C": make_order(account, order_number="338001-20251201-1000022345", buyer_name="田中 ユーコ",
                        buyer_kana="タナカ ユーコ", buyer_phone="03-5555-1234", buyer_email="c@example.jp"),
    }


@pytest.mark.parametrize(("term", "found"), [
    ("338001-20251201-1000012345", "A"),  # a whole order number
    ("３３８００１－２０２５１２０１－１００００１２３４５", "A"),  # typed full-width
    (" 338001-20251130-1000099999 ", "B"),
    ("338001-20251201", "AC"),  # its start, with the dash
    ("12345", "A"),  # its last digits
    ("2345", "AC"),
    ("1000022345", "C"),
    ("090-1111-2222", "A"),  # a phone number, with or without hyphens
    ("09011112222", "A"),
    ("0355551234", "C"),
    ("ABC123@pc.fw.rakuten.ne.jp", "A"),  # an e-mail address, any case
    ("zzz999@PC.FW.RAKUTEN.NE.JP", "B"),
    ("佐藤", "A"),  # part of a name or kana, spaces ignored
    ("佐藤翔太", "A"),
    ("佐藤　翔太", "A"),
    ("ミサキ", "B"),
    ("ユーコ", "C"),  # ー is a long vowel here, not a dash
    ("ﾕｰｺ", "C"),  # half-width kana
    ("123", ""),  # too few digits for an order number: nothing, as the help text says
    ("1111", ""),  # part of a phone number is not searched
    ("山田", ""),
])
def test_each_kind_of_term_finds_its_orders(shop, term, found):
    result = search_orders(Order.objects.all(), term)
    assert sorted(o.order_number for o in result) == sorted(shop[key].order_number for key in found)


def test_the_order_list_searches_the_same_way(admin_client, shop):
    page = admin_client.get("/admin/orders/order/", {"q": "1000012345"}).content.decode()
    assert shop["A"].order_number in page and shop["C"].order_number not in page
    page = admin_client.get("/admin/orders/order/", {"q": "zzz999@pc.fw.rakuten.ne.jp"}).content.decode()
    assert shop["B"].order_number in page and shop["A"].order_number not in page
    assert "末尾4桁以上" in admin_client.get("/admin/orders/order/").content.decode()  # the help text says how


def _plan(queryset) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")  # a table of three rows: make the planner show its index
        return queryset.explain()


@pytest.mark.parametrize(("term", "index"), [
    ("338001-20251201-1000012345", "order_number"),
    ("338001-20251201", "order_number"),
    ("12345", "order_number_tail"),
    ("09011112222", "order_phone_digits"),
    ("abc123@pc.fw.rakuten.ne.jp", "order_email_lower"),
])
def test_numbers_phones_and_addresses_are_answered_by_an_index(shop, term, index):
    plan = _plan(search_orders(Order.objects.order_by(), term).values("pk"))
    assert index in plan, plan


def test_a_name_search_lists_the_newest_matches_and_says_there_are_more(admin_client, shop, make_order, monkeypatch):
    import orders.admin
    import orders.search

    monkeypatch.setattr(orders.search, "NAME_WINDOW", 2)
    monkeypatch.setattr(orders.admin, "NAME_WINDOW", 2)
    monkeypatch.setattr(admin.site._registry[Order], "list_per_page", 1)
    account, now = shop["A"].account, shop["A"].ordered_at
    older = make_order(account, buyer_name="佐藤 一郎", ordered_at=now.replace(year=2020))
    newer = make_order(account, buyer_name="佐藤 次郎", ordered_at=now.replace(year=2030))
    pages = [admin_client.get("/admin/orders/order/", {"q": "佐藤", "p": p}) for p in (1, 2, 3)]
    assert newer.order_number in pages[0].content.decode() and shop["A"].order_number in pages[1].content.decode()
    assert pages[2].status_code == 302  # no third page: the window holds the newest two
    assert "2件以上" in pages[0].content.decode()  # the count says there is more than the window holds
    page = admin_client.get("/admin/orders/order/", {"q": "佐藤 一郎"}).content.decode()
    assert older.order_number in page and "件以上" not in page  # more of the name narrows it down


def test_a_latin_name_is_found_in_any_case(make_account, make_order):
    order = make_order(make_account(), buyer_name="Smith John", buyer_kana="スミス ジョン")
    for term in ("smith", "SMITHJOHN", "Jo"):
        assert list(search_orders(Order.objects.all(), term)) == [order], term


def test_the_name_window_is_taken_within_the_lists_filters(admin_client, shop, make_account, make_order, monkeypatch):
    import orders.search

    monkeypatch.setattr(orders.search, "NAME_WINDOW", 1)
    make_order(shop["A"].account, buyer_name="佐藤 三郎")  # with 佐藤 翔太, the newest two 佐藤 of the shop
    other = make_account("楽天二号店")
    older = make_order(other, buyer_name="佐藤 一郎", ordered_at=shop["A"].ordered_at.replace(year=2020))
    page = admin_client.get("/admin/orders/order/", {"q": "佐藤", "account__id__exact": other.pk}).content.decode()
    assert older.order_number in page  # the newer 佐藤 of the other account does not fill the window
