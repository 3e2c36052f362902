"""Every staff action leaves an audit entry (who, what, on which object), shown on the object's page."""

from __future__ import annotations

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import override

from accounts.models import EcAccount
from orders.models import PaymentMethod
from tests.conftest import ACCOUNT_INLINES, DEMO_LICENSE, DEMO_SECRET
from tests.support.mappings import csv_bytes

ACCOUNTS = "/admin/accounts/ecaccount/"
MAPPINGS = "/admin/rakuten_link/productmapping/"
ORDERS = "/admin/orders/order/"


def entries(obj=None, **filters):
    found = LogEntry.objects.filter(**filters).order_by("pk")
    if obj is not None:
        found = found.filter(object_id=str(obj.pk), content_type__model=obj._meta.model_name)
    return list(found)


def only_entry(obj, user) -> LogEntry:
    found = entries(obj)
    assert len(found) == 1, [e.change_message for e in found]
    assert found[0].user == user and found[0].action_flag == CHANGE
    return found[0]


def account_form(account, **overrides) -> dict:
    data = {"name": account.name, "stores": [s.pk for s in account.stores.all()], "shop_url": account.shop_url,
            "service_secret": "", "license_key": "", "smtp_id": "", "smtp_password": "", "smtp_from_address": "",
            "tax_rounding": "floor", "job_fetch_orders": "on", "safety_stock": "5", "alert_email": "a@example.com",
            "invoice_issuer_name": "", "invoice_registration_number": "", "prohibited_words": ""}
    return {**data, **ACCOUNT_INLINES, **overrides}


@pytest.fixture
def staff(admin_user):
    return admin_user


def test_an_account_save_is_audited_without_any_secret(admin_client, staff, account):
    response = admin_client.post(f"{ACCOUNTS}{account.pk}/change/", account_form(account))
    assert response.status_code == 302
    entry = entries(account)[-1]
    with override("en"):
        assert entry.user == staff and "safety stock" in entry.get_change_message().lower()
    with override("ja"):
        assert "安全在庫" in entry.get_change_message()  # the field's label, translated where it is shown
    every_message = " ".join(e.change_message for e in LogEntry.objects.all())
    assert DEMO_SECRET not in every_message and DEMO_LICENSE not in every_message


def test_saving_new_credentials_audits_the_save_and_the_check(admin_client, staff, rms, make_account):
    account = make_account("鍵を替える店", service_secret="SP000001_oldsecret", license_key="SL000001_oldkey")
    admin_client.post(f"{ACCOUNTS}{account.pk}/change/",
                      account_form(account, service_secret=DEMO_SECRET, license_key=DEMO_LICENSE))
    messages = [e.change_message for e in entries(account)]
    assert len(messages) == 2 and sum("RMS" in m for m in messages) == 1
    assert EcAccount.objects.get(pk=account.pk).status == "valid"
    assert all(DEMO_SECRET not in m and DEMO_LICENSE not in m for m in messages)


def test_recheck_pause_and_resume_are_audited(admin_client, staff, rms, account):
    admin_client.post(ACCOUNTS, {"action": "recheck_accounts", "_selected_action": [account.pk]})
    assert "RMS" in only_entry(account, staff).change_message
    admin_client.post(ACCOUNTS, {"action": "pause_account_jobs", "_selected_action": [account.pk]})
    assert EcAccount.objects.get(pk=account.pk).jobs_paused
    admin_client.post(ACCOUNTS, {"action": "resume_account_jobs", "_selected_action": [account.pk]})
    assert not EcAccount.objects.get(pk=account.pk).jobs_paused
    assert len(entries(account)) == 3


def test_the_account_page_shows_its_audit_trail_and_links_to_the_list(admin_client, staff, account):
    admin_client.post(ACCOUNTS, {"action": "pause_account_jobs", "_selected_action": [account.pk]})
    page = admin_client.get(f"{ACCOUNTS}{account.pk}/change/").content.decode()
    # Stored in the language the person worked in (Japanese by default), as they saw it.
    assert "自動ジョブを一時停止しました。" in page and staff.username in page
    listing = admin_client.get("/admin/admin/logentry/", {"object_id": account.pk}).content.decode()
    assert "自動ジョブを一時停止しました。" in listing


def test_order_actions_are_audited(admin_client, staff, account, make_order, make_sku):
    order = make_order(account, [(make_sku(), 1)])
    for action in ("retry_allocation", "mark_as_checked", "rematch_lines"):
        admin_client.post(ORDERS, {"action": action, "_selected_action": [order.pk]})
    assert len(entries(order, user=staff)) == 3


def test_manual_fetch_is_audited_on_the_order(admin_client, staff, order_shop, rms_orders):
    number, = rms_orders.create({})
    admin_client.post(f"{ORDERS}fetch/", {"account": order_shop.account.pk, "order_number": number})
    order = order_shop.account.orders.get(order_number=number)
    assert number in only_entry(order, staff).change_message


def test_a_failed_manual_fetch_is_audited_on_the_account(admin_client, staff, order_shop):
    admin_client.post(f"{ORDERS}fetch/", {"account": order_shop.account.pk,
                                          "order_number": "000001-20250101-0000000001"})
    assert "000001-20250101-0000000001" in only_entry(order_shop.account, staff).change_message


def test_push_now_and_verify_now_are_audited_per_mapping(admin_client, staff, account, make_sku, make_mapping):
    mapping = make_mapping(account, "tee01", "tee01-m", make_sku())
    admin_client.post(MAPPINGS, {"action": "push_now", "_selected_action": [mapping.pk]})
    admin_client.post(MAPPINGS, {"action": "verify_now", "_selected_action": [mapping.pk]})
    assert len(entries(mapping, user=staff)) == 2


def test_the_mapping_csv_import_is_audited_on_the_account(admin_client, staff, account, make_sku, settings,
                                                           tmp_path):
    settings.VAR_DIR = tmp_path
    make_sku("TEE-M")
    upload = SimpleUploadedFile("m.csv", csv_bytes("TEE01,tee01-m,,,,TEE-M,"))
    preview = admin_client.post(MAPPINGS + "import/", {"account": account.pk, "file": upload})
    assert entries(account) == []  # a preview changes nothing
    admin_client.post(MAPPINGS + "import/", {"preview_token": preview.context["preview_token"]})
    assert "1" in only_entry(account, staff).change_message


def test_the_stock_csv_import_is_audited(admin_client, staff, make_store, make_sku):
    make_store("S1"), make_sku("A-1")
    upload = SimpleUploadedFile("stock.csv", "店舗コード,SKUコード,数量\nS1,A-1,3\n".encode())
    preview = admin_client.post("/admin/inventory/stocklevel/import/", {"file": upload})
    assert entries(content_type__model="stocklevel") == []  # a preview changes nothing
    admin_client.post("/admin/inventory/stocklevel/import/",
                      {"preview_token": preview.context["preview_token"], "confirm": "1"})
    entry, = entries(content_type__model="stocklevel")
    assert entry.user == staff and entry.object_id is None and "1" in entry.change_message


def test_the_payment_mapping_page_is_audited(admin_client, staff, account):
    card = PaymentMethod.objects.create(code="card", name="カード")
    admin_client.post(f"/admin/rakuten_link/paymentmethodmapping/edit/{account.pk}/", {"code_1": card.pk})
    assert "1" in only_entry(account, staff).change_message


def test_order_and_mapping_pages_show_their_audit_trail(admin_client, staff, account, make_order, make_sku,
                                                        make_mapping):
    order = make_order(account, [(make_sku(), 1)])
    mapping = make_mapping(account, "tee01", "tee01-m", make_sku())
    admin_client.post(ORDERS, {"action": "mark_as_checked", "_selected_action": [order.pk]})
    admin_client.post(MAPPINGS, {"action": "verify_now", "_selected_action": [mapping.pk]})
    assert "確認済みにしました" in admin_client.get(f"{ORDERS}{order.pk}/change/").content.decode()
    assert "RMSでの紐付け確認を依頼しました。" in admin_client.get(
        f"{MAPPINGS}{mapping.pk}/change/").content.decode()
