"""No page shows a stored secret in full, whatever the user's permissions: only the masked form."""

import pytest
from django.contrib.auth.models import Permission, User

from accounts.secrets import MASK
from tests.conftest import ACCOUNT_INLINES

SECRET = "SP999999_topsecretvalue"
LICENSE = "SL999999_licensekeyvalue"
SMTP_PASSWORD = "smtp-pass-very-secret"


@pytest.fixture
def account(make_account):
    return make_account("楽天閲覧店", service_secret=SECRET, license_key=LICENSE, smtp_password=SMTP_PASSWORD)


@pytest.fixture
def viewer_client(client, db):
    viewer = User.objects.create_user("viewer", password="x", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_ecaccount"))
    client.force_login(viewer)
    return client


def _assert_only_masked(html: str) -> None:
    for secret in (SECRET, LICENSE, SMTP_PASSWORD):
        assert secret not in html
        assert secret[:-3] not in html
        assert MASK + secret[-3:] in html


def test_a_view_only_user_sees_only_the_masked_secrets(viewer_client, account):
    response = viewer_client.get(f"/admin/accounts/ecaccount/{account.pk}/change/")
    assert response.status_code == 200
    assert not response.context["has_change_permission"]
    _assert_only_masked(response.content.decode())


def test_an_editor_sees_only_the_masked_secrets(admin_client, account):
    response = admin_client.get(f"/admin/accounts/ecaccount/{account.pk}/change/")
    assert response.status_code == 200
    _assert_only_masked(response.content.decode())


def test_a_view_only_user_cannot_change_anything(viewer_client, account):
    data = {"name": account.name, "shop_url": account.shop_url, "service_secret": "SP000009_other",
            "tax_rounding": "floor", "safety_stock": "9", **ACCOUNT_INLINES}
    response = viewer_client.post(f"/admin/accounts/ecaccount/{account.pk}/change/", data)
    assert response.status_code == 403
    account.refresh_from_db()
    assert (account.service_secret, account.safety_stock) == (SECRET, 0)
