"""Failed admin logins are throttled (django-axes): per username and address, for the cool-off, then free."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import RequestFactory
from django.utils import timezone

from config.logins import client_ip

LOGIN = "/admin/login/"
PASSWORD = "the-right-password"


@pytest.fixture
def staff(django_user_model):
    django_user_model.objects.create_user("tanaka", password=PASSWORD, is_staff=True)
    django_user_model.objects.create_user("suzuki", password=PASSWORD, is_staff=True)


def _login(client, username: str, password: str, address: str = "10.0.0.7", **headers):
    return client.post(LOGIN, {"username": username, "password": password, "next": "/admin/"},
                       REMOTE_ADDR=address, **headers)


def _fail(client, username: str, times: int, **kwargs) -> list[int]:
    return [_login(client, username, "wrong", **kwargs).status_code for _ in range(times)]


def test_five_wrong_passwords_lock_that_username_from_that_address(client, staff, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    assert _fail(client, "tanaka", 4) == [200] * 4  # the login form again, with its error
    assert _fail(client, "tanaka", 1) == [429]
    refused = _login(client, "tanaka", PASSWORD)
    assert refused.status_code == 429
    assert "admin/locked_out.html" in [t.name for t in refused.templates]
    assert refused.context["minutes"] == 15
    assert "_auth_user_id" not in client.session
    assert _fail(client, "tanaka", 25) == [429] * 25


def test_another_username_from_the_same_address_still_logs_in(client, staff):
    _fail(client, "tanaka", 5)
    response = _login(client, "suzuki", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/admin/"


def test_the_same_username_from_another_address_still_logs_in(client, staff):
    _fail(client, "tanaka", 5, address="203.0.113.9")
    assert _login(client, "tanaka", PASSWORD, address="10.0.0.7").status_code == 302


def test_the_lockout_ends_after_the_cool_off(client, staff):
    _fail(client, "tanaka", 5)
    assert _login(client, "tanaka", PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert _login(client, "tanaka", PASSWORD).status_code == 302


def test_a_success_before_the_limit_starts_the_count_again(client, staff):
    _fail(client, "tanaka", 4)
    assert _login(client, "tanaka", PASSWORD).status_code == 302
    client.logout()
    assert _fail(client, "tanaka", 4) == [200] * 4


def test_behind_a_trusted_proxy_the_client_address_counts(client, staff, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    _fail(client, "tanaka", 5, address="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.1")
    response = _login(client, "tanaka", PASSWORD, address="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.2")
    assert response.status_code == 302


def test_the_client_address_is_taken_from_the_right_of_x_forwarded_for(settings):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.1")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.1"  # no proxy trusted: the header may be forged
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "198.51.100.1"
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(request) == "6.6.6.6"
    settings.TRUSTED_PROXY_COUNT = 3
    assert client_ip(request) == "10.0.0.1"
