"""Tokens: made in the admin or by command, shown once, stored hashed, revocable, last use recorded."""

from __future__ import annotations

import hashlib
from io import StringIO

import pytest
from django.contrib.admin.models import LogEntry
from django.core.management import CommandError, call_command
from django.urls import reverse

from api.models import ApiToken
from tests.api.conftest import ApiClient


@pytest.fixture
def staff(admin_client):
    return admin_client


def test_the_admin_makes_a_token_shows_it_once_and_keeps_only_its_hash(staff, make_store):
    store = make_store("S01")
    response = staff.post(reverse("admin:api_apitoken_add"), {
        "name": "till-shibuya", "scopes": ["stock:write", "stock:read"], "store": store.pk,
        "expires_at_0": "", "expires_at_1": "", "rate_limit": ""})
    assert response.status_code == 200, response.content.decode()[:2000]
    page = response.content.decode()
    token = ApiToken.objects.get()
    secret = page.split('id="secret-once"')[1].split(">", 1)[1].split("<", 1)[0]
    assert secret.startswith("rlk_") and len(secret) > 40
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(list(ApiToken.objects.values()))
    assert token.scopes == ["stock:read", "stock:write"] and token.store == store
    assert token.user.username == "api:till-shibuya" and not token.user.is_active
    assert not LogEntry.objects.filter(change_message__contains=secret).exists()
    change = staff.get(reverse("admin:api_apitoken_change", args=[token.pk])).content.decode()
    assert secret not in change and token.prefix in change
    assert ApiClient(secret).get("/stock").status_code == 200


def test_last_use_and_caller_address_are_shown(api, staff):
    assert api.get("/stock").status_code == 200
    token = ApiToken.objects.get()
    assert token.last_used_at is not None and token.last_used_ip == "127.0.0.1"
    listing = staff.get(reverse("admin:api_apitoken_changelist")).content.decode()
    assert "127.0.0.1" in listing


def test_the_caller_address_is_the_clients_behind_our_proxy(api, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    api.get("/stock", headers={"X-Forwarded-For": "6.6.6.6, 203.0.113.9"})
    assert ApiToken.objects.get().last_used_ip == "203.0.113.9"


def test_the_admin_revokes_and_the_token_is_refused_from_then_on(staff, make_token):
    token, secret = make_token()
    assert ApiClient(secret).get("/stock").status_code == 200
    staff.post(reverse("admin:api_apitoken_changelist"), {"action": "revoke_tokens", "_selected_action": [token.pk]})
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert ApiClient(secret).get("/stock").json()["code"] == "token_revoked"
    assert LogEntry.objects.filter(object_id=str(token.pk), user__username="admin").exists()


def test_create_api_token_prints_the_token_once_and_revoke_api_token_revokes_it(make_store):
    make_store("S01")
    out = StringIO()
    call_command("create_api_token", "till-1", "--scopes", "stock:write,orders:read", "--store", "S01", stdout=out,
                 stderr=StringIO())
    secret = out.getvalue().strip()
    token = ApiToken.objects.get()
    assert token.scopes == ["orders:read", "stock:write"] and token.store.code == "S01"
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert ApiClient(secret).get("/orders").status_code == 200
    call_command("revoke_api_token", "till-1", stdout=StringIO())
    assert ApiClient(secret).get("/orders").status_code == 401


@pytest.mark.parametrize("args", [["x", "--scopes", "stock:steal"], ["x", "--scopes", "stock:read", "--store", "NO"],
                                  ["bad name", "--scopes", "stock:read"]])
def test_create_api_token_refuses_bad_input(db, args):
    with pytest.raises(CommandError):
        call_command("create_api_token", *args, stdout=StringIO(), stderr=StringIO())
    assert not ApiToken.objects.exists()


def test_openapi_document_and_docs_page_are_served(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/stock/movements", "/api/v1/stock/counts", "/api/v1/stock", "/api/v1/orders",
            "/api/v1/shipments"} <= set(schema["paths"])
    assert client.get("/api/v1/docs").status_code == 200


def test_replace_makes_a_fresh_token_and_the_old_one_stops_working(db):
    first, second = StringIO(), StringIO()
    call_command("create_api_token", "demo-till", "--scopes", "stock:read", stdout=first, stderr=StringIO())
    call_command("create_api_token", "demo-till", "--scopes", "stock:read", "--replace", stdout=second,
                 stderr=StringIO())
    assert ApiClient(first.getvalue().strip()).get("/stock").status_code == 401
    assert ApiClient(second.getvalue().strip()).get("/stock").status_code == 200
    assert ApiToken.objects.get().user.username == "api:demo-till"
