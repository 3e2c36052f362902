"""The qualified-invoice registration number is validated on the model, and typed freely in the form."""

import pytest
from django.core.exceptions import ValidationError

from accounts.models import EcAccount
from tests.conftest import ACCOUNT_INLINES


def _account(number: str) -> EcAccount:
    return EcAccount(name="請求書店", shop_url="https://www.rakuten.co.jp/invoice/", service_secret="SP000001_x",
                     license_key="SL000001_x", invoice_registration_number=number)


@pytest.mark.parametrize("number", ["T1000012050002", "7000012050002", "T7-0000-1205-0002"])
def test_the_model_refuses_a_bad_registration_number(db, number):
    with pytest.raises(ValidationError) as info:
        _account(number).full_clean()
    assert list(info.value.message_dict) == ["invoice_registration_number"]


@pytest.mark.parametrize("number", ["T7000012050002", ""])
def test_the_model_accepts_a_good_or_no_registration_number(db, number):
    _account(number).full_clean()


@pytest.mark.parametrize("typed", ["T7-0000-1205-0002", "Ｔ７－００００－１２０５－０００２", "t 7000 0120 5000 2",
                                   "T7‐0000‐1205‐0002", "Ｔ７０００ー０１２０５０００２"])
def test_the_form_accepts_hyphens_spaces_and_full_width_and_stores_the_plain_number(admin_client, make_store, typed):
    store = make_store()
    data = {"name": "請求書店", "stores": [store.pk], "shop_url": "invoice", "service_secret": "SP000001_x",
            "license_key": "SL000001_x", "tax_rounding": "floor", "safety_stock": "0",
            "invoice_registration_number": typed, **ACCOUNT_INLINES}
    response = admin_client.post("/admin/accounts/ecaccount/add/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert EcAccount.objects.get().invoice_registration_number == "T7000012050002"


def test_the_input_is_long_enough_for_a_hyphenated_number(admin_client):
    html = admin_client.get("/admin/accounts/ecaccount/add/").content.decode()
    field = html[html.index('name="invoice_registration_number"') - 200:][:400]
    assert 'maxlength="32"' in field
