"""The mapping admin: list, form rules, CSV upload with preview and confirm, exports, payment methods."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_q.models import OrmQ
from openpyxl import load_workbook

from orders.models import PaymentMethod
from rakuten_link.mappings.payments import SETTLEMENT_METHODS
from rakuten_link.models import DriftReport, PaymentMethodMapping, ProductMapping
from tests.support.mappings import csv_bytes

LIST = "/admin/rakuten_link/productmapping/"


def _form(account, sku, **overrides) -> dict:
    data = {"account": account.pk, "manage_number": "TEE01", "variant_id": "tee01-M", "legacy_h_choice": "",
            "legacy_v_choice": "", "merchant_defined_sku_id": "", "sku": sku.pk, "safety_stock": ""}
    return {**data, **overrides}


def test_the_list_shows_coloured_status_and_the_last_drift_check(admin_client, account, make_sku, make_mapping):
    sku = make_sku()
    make_mapping(account, "tee01", "ok-one", sku)
    make_mapping(account, "tee01", "bad-one", sku, status="error", status_message="商品管理番号が存在しません")
    make_mapping(account, "tee01", "", sku, status="unchecked", legacy_h_choice="S", legacy_v_choice="黒")
    DriftReport.objects.create(account=account, checked=3, differing=1, missing=0)
    page = admin_client.get(LIST).content.decode()
    assert "#2e7d32" in page and "#c62828" in page and "#9e9e9e" in page
    assert "S × 黒" in page and "drift-reports" in page
    for link in ("import/", "template/", "export/csv/", "export/xlsx/"):
        assert LIST + link in page
    assert admin_client.get(LIST, {"q": "bad-one"}).content.decode().count("bad-one") >= 1
    assert admin_client.get(LIST, {"status__exact": "error", "drift": "never"}).status_code == 200


def test_the_form_folds_the_manage_number_and_keeps_the_variant_case(
    admin_client, account, make_sku, django_capture_on_commit_callbacks
):
    sku = make_sku()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(LIST + "add/", _form(account, sku))
    assert response.status_code == 302
    assert ProductMapping.objects.values_list("manage_number", "variant_id", "status").get() == (
        "tee01", "tee01-M", "unchecked")
    assert OrmQ.objects.count() == 1  # verification queued at once


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"manage_number": "tee 01"}, "manage_number"),
        ({"manage_number": "tee/01"}, "manage_number"),
        ({"variant_id": "a" * 32 + "é"}, "variant_id"),
        ({"variant_id": ""}, "variant_id"),
    ],
)
def test_the_form_refuses_keys_rms_would_refuse(admin_client, account, make_sku, overrides, field):
    response = admin_client.post(LIST + "add/", _form(account, make_sku(), **overrides))
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert not ProductMapping.objects.exists()


def test_the_form_refuses_a_second_mapping_of_one_rakuten_sku(admin_client, account, make_sku, make_mapping):
    make_mapping(account, "tee01", "tee01-M", make_sku())
    response = admin_client.post(LIST + "add/", _form(account, make_sku()))
    assert response.status_code == 200 and ProductMapping.objects.count() == 1


def test_full_width_input_becomes_half_width(admin_client, account, make_sku):
    form = _form(account, make_sku(), manage_number="ＴＥＥ０１", variant_id="ｔｅｅ０１－Ｍ")
    admin_client.post(LIST + "add/", form)
    assert ProductMapping.objects.values_list("manage_number", "variant_id").get() == ("tee01", "tee01-M")


def test_changing_the_rakuten_key_makes_the_mapping_unverified(admin_client, account, make_sku, make_mapping):
    sku = make_sku()
    mapping = make_mapping(account, "tee01", "tee01-M", sku, last_pushed_quantity=3)
    admin_client.post(f"{LIST}{mapping.pk}/change/", _form(account, sku, variant_id="tee01-L"))
    mapping.refresh_from_db()
    assert (mapping.variant_id, mapping.status, mapping.last_pushed_quantity) == ("tee01-L", "unchecked", None)


def test_upload_previews_then_confirm_imports(admin_client, account, make_sku, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    make_sku("TEE-M")
    upload = SimpleUploadedFile("m.csv", csv_bytes("TEE01,tee01-m,,,,TEE-M,", encoding="cp932"))
    preview = admin_client.post(LIST + "import/", {"account": account.pk, "file": upload})
    assert preview.status_code == 200 and not ProductMapping.objects.exists()
    token = preview.context["preview_token"]
    html = preview.content.decode()
    assert token and "import-preview" in html
    assert "<td>2</td><td>tee01</td><td>tee01-m</td>" in html and "<td>TEE-M</td>" in html  # the row, cell by cell
    assert f"「{account.name}」に取り込む" in html  # the confirm button names the account

    done = admin_client.post(LIST + "import/", {"preview_token": token})
    assert done.status_code == 302
    assert ProductMapping.objects.get().manage_number == "tee01"
    assert not list((tmp_path / "uploads").iterdir())
    assert admin_client.post(LIST + "import/", {"preview_token": token}).status_code == 302  # expired: no crash
    assert ProductMapping.objects.count() == 1


def test_upload_with_errors_lists_them_and_writes_nothing(admin_client, account, make_sku, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    upload = SimpleUploadedFile("m.csv", csv_bytes("tee01,tee01-m,,,,NOPE,", "tee 1,x,,,,NOPE,"))
    response = admin_client.post(LIST + "import/", {"account": account.pk, "file": upload})
    page = response.content.decode()
    assert page.count('class="import-error"') == 3 and response.context["preview_token"] is None
    assert not ProductMapping.objects.exists()
    wrong = SimpleUploadedFile("m.csv", b"a,b,c\r\n1,2,3\r\n")
    response = admin_client.post(LIST + "import/", {"account": account.pk, "file": wrong})
    assert "商品管理番号" in str(response.context["form"].errors)


def test_template_and_exports_follow_the_list_filters(admin_client, account, make_account, make_sku, make_mapping):
    other = make_account()
    sku = make_sku("TEE-M")
    make_mapping(account, "tee01", "ok", sku)
    make_mapping(other, "zzz99", "ok", sku)
    template = admin_client.get(LIST + "template/")
    assert template.content.decode("utf-8-sig").splitlines()[0].startswith("商品管理番号,SKU管理番号")
    csv_text = admin_client.get(LIST + f"export/csv/?account__id__exact={account.pk}").content.decode("utf-8-sig")
    assert "tee01" in csv_text and "zzz99" not in csv_text
    xlsx = admin_client.get(LIST + "export/xlsx/").content
    rows = list(load_workbook(io.BytesIO(xlsx)).active.values)
    assert rows[0][:2] == ("商品管理番号", "SKU管理番号") and len(rows) == 3


def test_actions_queue_verification_and_pushes(admin_client, account, make_sku, make_mapping, settings):
    settings.RAKUTEN_PUSH_DEBOUNCE_SECONDS = 0
    settings.RAKUTEN_PUSH_PACING_SECONDS = 0
    mapping = make_mapping(account, "tee01", "ok", make_sku(), last_pushed_quantity=4, checked_at=None)
    admin_client.post(LIST, {"action": "push_now", "_selected_action": [mapping.pk]})
    mapping.refresh_from_db()
    assert mapping.last_pushed_quantity is None
    assert [q.task["func"] for q in OrmQ.objects.all()] == ["rakuten_link.tasks.push_pending"]
    admin_client.post(LIST, {"action": "verify_now", "_selected_action": [mapping.pk]})
    assert OrmQ.objects.count() == 2


def test_the_payment_page_lists_every_rakuten_code_and_saves_choices(admin_client, account):
    card = PaymentMethod.objects.create(code="card", name="カード")
    cod = PaymentMethod.objects.create(code="cod", name="代引")
    PaymentMethodMapping.objects.create(account=account, settlement_method_code=9, payment_method=cod)
    url = "/admin/rakuten_link/paymentmethodmapping/edit/"
    assert admin_client.get(url).status_code == 302  # one account: straight to its page
    page = admin_client.get(f"{url}{account.pk}/").content.decode()
    for code, name in SETTLEMENT_METHODS.items():
        assert f"{code} {name}" in page
    response = admin_client.post(f"{url}{account.pk}/", {"code_1": card.pk, "code_12": card.pk, "code_2": cod.pk})
    assert response.status_code == 302
    saved = dict(PaymentMethodMapping.objects.values_list("settlement_method_code", "payment_method__code"))
    assert saved == {1: "card", 12: "card", 2: "cod"}  # 9 was left blank: removed
    assert "edit/" in admin_client.get("/admin/rakuten_link/paymentmethodmapping/").content.decode()


def test_the_drift_report_page_lists_the_differences(admin_client, account):
    report = DriftReport.objects.create(account=account, checked=2, differing=1, rows=[
        {"mapping_id": 1, "manage_number": "tee01", "variant_id": "m", "sku": "TEE-M", "pushed": 5, "rakuten": 9}])
    page = admin_client.get(f"/admin/rakuten_link/driftreport/{report.pk}/change/").content.decode()
    assert "tee01" in page and "<td>9</td>" in page
