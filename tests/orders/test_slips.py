"""Delivery slips as PDF: what the text says (pdftotext), one slip per destination, the admin views, the command."""

import re
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import RequestFactory
from django.urls import reverse

from orders import slip_views, slips
from orders.models import Order, OrderLine, OrderPackage
from orders.slip_views import print_delivery_slips, slip_pdf_view
from orders.slips import build_slips, slips_pdf

REGISTRATION = "T9234567890123"
TEN, EIGHT = Decimal("0.10"), Decimal("0.08")


def pdf_text(data: bytes, tmp_path, page: int | None = None) -> str:
    assert shutil.which("pdftotext"), "pdftotext is missing: install poppler-utils (scripts/lib.sh does)"
    path = tmp_path / "slip.pdf"
    path.write_bytes(data)
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return subprocess.run(["pdftotext", "-layout", *pages, str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def add_line(order, name, price, units, rate, *, package=None, **fields):
    package = package or order.packages.first()
    number = order.lines.count() + 1
    return OrderLine.objects.create(order=order, package=package, item_detail_id=package.basket_id * 1000 + number,
                                    name=name, price=price, units=units, tax_rate=rate, **fields)


@pytest.fixture
def shop(make_account):
    return make_account("楽天テスト店", tax_rounding="floor", invoice_issuer_name="株式会社テスト商店",
                        invoice_registration_number=REGISTRATION)


@pytest.fixture
def order(shop, make_order):
    """10 %: 2,000 + 700 postage + 300 COD fee = 3,000, tax 272; 8 %: 1,300 + 1,620 = 2,920, tax 216."""
    order = make_order(shop, postage_price=700, delivery_price=300, used_point=100, coupon_total=200,
                       request_price=5620, buyer_zip="150-0001", buyer_address="東京都渋谷区神宮前1-2-3")
    OrderPackage.objects.filter(order=order).update(recipient_zip="530-0001", postage_price=700, delivery_price=300)
    add_line(order, "コットンTシャツ", 2000, 1, TEN, selected_choice="カラー:ブラック\nサイズ:M")
    add_line(order, "国産はちみつ", 1300, 1, EIGHT)
    add_line(order, "有機緑茶", 540, 3, EIGHT)
    return order


def test_the_slip_states_the_issuer_the_lines_and_the_tax_per_rate(order, tmp_path):
    pdf = slips_pdf([order])
    text = pdf_text(pdf.data, tmp_path)
    assert (pdf.slips, pdf.pages) == (1, 1)
    assert REGISTRATION in text and "株式会社テスト商店" in text and "楽天テスト店" in text
    assert order.order_number in text and "楽天 花子" in text and "〒530-0001" in text and "〒150-0001" in text
    assert re.search(r"10%\s+¥3,000\s+¥272", text) and re.search(r"8%※\s+¥2,920\s+¥216", text)
    assert re.search(r"国産はちみつ ※\s+¥1,300\s+1\s+¥1,300", text)
    assert re.search(r"有機緑茶 ※\s+¥540\s+3\s+¥1,620", text)
    assert re.search(r"コットンTシャツ\s+¥2,000", text), "a 10 % line carries no ※"
    assert "カラー:ブラック" in text and "サイズ:M" in text
    assert "−¥200" in text and "−¥100" in text and "¥5,620" in text and "¥700" in text
    assert text.count("※") >= 4  # two lines, the 8 % row and the legend


def test_the_slip_carries_the_shops_address_and_phone_and_the_order_barcode(shop, order, tmp_path):
    shop.shop_zip, shop.shop_address, shop.shop_phone = "158-0094", "東京都世田谷区玉川1-14-1", "03-1234-5678"
    shop.save()
    order.refresh_from_db()
    text = pdf_text(slips_pdf([order]).data, tmp_path)
    assert "〒158-0094" in text and "東京都世田谷区玉川1-14-1" in text and "03-1234-5678" in text
    slip, = build_slips([order])
    assert slip.barcode.startswith("<svg") and f'aria-label="{order.order_number}"' in slip.barcode
    from orders.barcode import symbols
    assert len(symbols(order.order_number)) == len(order.order_number) + 3  # start, data, checksum, stop


def test_the_issuer_lines_are_left_out_when_the_account_has_none(make_account, make_order, tmp_path):
    order = make_order(make_account("楽天無登録店"))
    add_line(order, "A", 1000, 1, TEN)
    text = pdf_text(slips_pdf([order]).data, tmp_path)
    assert "楽天無登録店" in text and not re.search(r"T\d{13}", text)


def test_several_orders_give_one_slip_per_order_and_destination(shop, order, make_order, tmp_path):
    gift = make_order(shop, postage_price=1320, request_price=4320)
    second = OrderPackage.objects.create(order=gift, basket_id=990001, recipient_name="山田 次郎",
                                         recipient_address="北海道札幌市中央区", postage_price=660)
    add_line(gift, "焼き菓子", 1000, 1, EIGHT)
    add_line(gift, "メッセージカード", 2000, 1, TEN, package=second)
    deleted = OrderPackage.objects.create(order=gift, basket_id=990002, recipient_name="取消 三郎")
    add_line(gift, "取り消された商品", 500, 1, TEN, package=deleted, removed=True)
    slips = build_slips([order, gift])
    assert [(s.order.pk, s.number, s.count, s.totals is not None) for s in slips] == [
        (order.pk, 1, 1, True), (gift.pk, 1, 2, False), (gift.pk, 2, 2, True)]
    pdf = slips_pdf([order, gift])
    assert (pdf.slips, pdf.pages) == (3, 3)
    pages = [pdf_text(pdf.data, tmp_path, page) for page in (1, 2, 3)]
    assert order.order_number in pages[0] and "楽天 花子" in pages[0]
    assert gift.order_number in pages[1] and "焼き菓子" in pages[1] and "メッセージカード" not in pages[1]
    assert "山田 次郎" in pages[2] and "メッセージカード" in pages[2] and "取消 三郎" not in "".join(pages)
    # The whole order's tax, once, on its last slip: 10 % 2,000 + 1,320 postage = 3,320 → 301; 8 % 1,000 → 74.
    assert re.search(r"10%\s+¥3,320\s+¥301", pages[2]) and re.search(r"8%※\s+¥1,000\s+¥74", pages[2])
    assert "¥301" not in pages[1]


def test_a_long_order_runs_on_over_pages_with_its_number_on_each(order, tmp_path):
    for index in range(60):
        add_line(order, f"ギフトセット{index}", 540, 1, EIGHT)
    pdf = slips_pdf([order])
    assert pdf.slips == 1 and pdf.pages >= 2
    last = pdf_text(pdf.data, tmp_path, pdf.pages)
    assert order.order_number in last and "ギフトセット59" in last and "¥5,620" in last


@pytest.fixture
def order_admin():
    return admin.site._registry[Order]


def _request(user, path="/admin/orders/order/"):
    request = RequestFactory().get(path)
    request.user = user
    request._messages = CookieStorage(request)
    return request


def _staff(django_user_model, *codenames):
    user = django_user_model.objects.create_user("clerk", "clerk@example.com", "pw", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="orders", codename__in=codenames))
    return django_user_model.objects.get(pk=user.pk)  # a fresh instance: permissions are cached per object


def test_the_slip_page_needs_the_view_permission(order, order_admin, django_user_model):
    nobody = _staff(django_user_model)
    with pytest.raises(PermissionDenied):
        slip_pdf_view(order_admin, _request(nobody), str(order.pk))
    with pytest.raises(PermissionDenied):
        print_delivery_slips(order_admin, _request(nobody), Order.objects.all())
    assert not LogEntry.objects.exists()


def test_a_viewer_gets_the_pdf_and_the_print_is_audited(order, order_admin, django_user_model, tmp_path):
    viewer = _staff(django_user_model, "view_order")
    response = slip_pdf_view(order_admin, _request(viewer), str(order.pk))
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    assert response["Content-Disposition"] == f'inline; filename="delivery_slip_{order.order_number}.pdf"'
    assert REGISTRATION in pdf_text(response.content, tmp_path)
    entry = LogEntry.objects.get()
    assert (entry.user, entry.object_id) == (viewer, str(order.pk))


def test_the_order_page_link_serves_the_slip(order, admin_client):
    response = admin_client.get(reverse("admin:orders_order_slip", args=[order.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_the_action_prints_the_selected_orders_in_one_pdf(shop, order, make_order, order_admin, django_user_model):
    other = make_order(shop)
    add_line(other, "A", 1000, 1, TEN)
    viewer = _staff(django_user_model, "view_order")
    response = print_delivery_slips(order_admin, _request(viewer), Order.objects.all())
    assert response.content.startswith(b"%PDF") and 'filename="delivery_slips_2.pdf"' in response["Content-Disposition"]
    assert LogEntry.objects.filter(user=viewer).count() == 2
    assert "view" in print_delivery_slips.allowed_permissions


def test_the_action_refuses_too_many_orders_at_once(order, make_order, order_admin, django_user_model, monkeypatch):
    make_order(order.account)
    monkeypatch.setattr(slip_views, "MAX_ORDERS_PER_PDF", 1)
    request = _request(_staff(django_user_model, "view_order"))
    assert print_delivery_slips(order_admin, request, Order.objects.all()) is None
    assert [m.level_tag for m in request._messages] == ["error"] and not LogEntry.objects.exists()


def test_without_weasyprint_staff_get_a_message_instead_of_an_error(order, order_admin, django_user_model,
                                                                     monkeypatch, tmp_path):
    def missing():
        raise slips.SlipsUnavailable("cannot load library 'libpango-1.0-0'")

    monkeypatch.setattr(slips, "_weasyprint", missing)
    request = _request(_staff(django_user_model, "view_order"))
    response = slip_pdf_view(order_admin, request, str(order.pk))
    assert response.status_code == 302 and response["Location"] == f"/admin/orders/order/{order.pk}/change/"
    assert print_delivery_slips(order_admin, request, Order.objects.all()) is None
    assert [m.level_tag for m in request._messages] == ["error", "error"] and not LogEntry.objects.exists()
    with pytest.raises(CommandError, match="libpango"):
        call_command("delivery_slips", order.order_number, "--account", order.account.name,
                     "--output", str(tmp_path / "x.pdf"))
    assert not list(tmp_path.iterdir())


def test_the_command_writes_the_pdf(order, tmp_path, capsys):
    output = tmp_path / "slips.pdf"
    call_command("delivery_slips", order.order_number, "--account", order.account.name, "--output", str(output))
    assert output.read_bytes().startswith(b"%PDF")
    assert REGISTRATION in pdf_text(output.read_bytes(), tmp_path)
    assert capsys.readouterr().out.strip() == f"wrote {output}: orders 1, slips 1, pages 1"


def test_the_command_refuses_unknown_numbers_and_writes_nothing(order, make_account, make_order, tmp_path):
    elsewhere = make_order(make_account("別の店"))
    output = tmp_path / "slips.pdf"
    output.write_bytes(b"earlier file")
    numbers = [order.order_number, "000001-20250101-99999999", elsewhere.order_number]
    with pytest.raises(CommandError) as error:
        call_command("delivery_slips", *numbers, "--account", order.account.name, "--output", str(output))
    assert "000001-20250101-99999999" in str(error.value) and elsewhere.order_number in str(error.value)
    assert order.order_number not in str(error.value)
    assert output.read_bytes() == b"earlier file" and [p.name for p in tmp_path.iterdir()] == ["slips.pdf"]
