"""One shop, one account: a second account for the same shop URL or serviceSecret is refused in the admin."""

import pytest

from accounts.models import EcAccount
from tests.conftest import ACCOUNT_INLINES

SECRET = "SP999999_topsecretvalue"


def _form(store, **overrides) -> dict:
    data = {"name": "楽天本店", "stores": [store.pk], "shop_url": "myshop", "service_secret": SECRET,
            "license_key": "SL999999_licensekeyvalue", "tax_rounding": "floor", "safety_stock": "0",
            "alert_email": "alerts@example.com", **ACCOUNT_INLINES}
    data.update(overrides)
    return data


@pytest.fixture
def store(make_store):
    return make_store()


@pytest.fixture
def first(admin_client, store):
    response = admin_client.post("/admin/accounts/ecaccount/add/", _form(store))
    assert response.status_code == 302
    return EcAccount.objects.get()


@pytest.mark.parametrize("url", ["myshop", "https://www.rakuten.co.jp/MyShop/", "item.rakuten.co.jp/myshop/1234/"])
def test_a_second_account_for_the_same_shop_url_is_refused(admin_client, store, first, url):
    admin_client.cookies["django_language"] = "en"
    response = admin_client.post("/admin/accounts/ecaccount/add/",
                                 _form(store, name="楽天本店2", shop_url=url, service_secret="SP000002_other"))
    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.errors["shop_url"])
    assert "楽天本店" in errors and "already registered" in errors
    assert EcAccount.objects.count() == 1


def test_a_second_account_with_the_same_service_secret_is_refused(admin_client, store, first):
    admin_client.cookies["django_language"] = "en"
    response = admin_client.post("/admin/accounts/ecaccount/add/",
                                 _form(store, name="別名の店", shop_url="othershop", service_secret=f"  {SECRET}\n"))
    assert response.status_code == 200
    html = response.content.decode()
    errors = " ".join(response.context["adminform"].form.errors["service_secret"])
    assert "楽天本店" in errors and "serviceSecret" in errors
    assert SECRET not in html and SECRET[:-3] not in html
    assert EcAccount.objects.count() == 1


def test_changing_an_account_to_another_accounts_shop_is_refused(admin_client, store, first, make_account):
    other = make_account("二号店", shop_url="https://www.rakuten.co.jp/second/", service_secret="SP000003_x")
    data = _form(store, name=other.name, shop_url="myshop", service_secret="", license_key="")
    response = admin_client.post(f"/admin/accounts/ecaccount/{other.pk}/change/", data)
    assert response.status_code == 200
    assert "shop_url" in response.context["adminform"].form.errors
    other.refresh_from_db()
    assert other.shop_url == "https://www.rakuten.co.jp/second/"


def test_another_shop_is_accepted_and_editing_an_account_is_not_a_duplicate(admin_client, store, first):
    response = admin_client.post("/admin/accounts/ecaccount/add/",
                                 _form(store, name="二号店", shop_url="second", service_secret="SP000002_other"))
    assert response.status_code == 302
    edit = _form(store, shop_url=first.shop_url, service_secret="", license_key="", safety_stock="2")
    assert admin_client.post(f"/admin/accounts/ecaccount/{first.pk}/change/", edit).status_code == 302
    assert EcAccount.objects.count() == 2
