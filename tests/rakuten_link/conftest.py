"""Fixtures for tests that run the real RMS client over HTTP against the sandbox."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.conftest import DEMO_LICENSE, DEMO_SECRET


@pytest.fixture
def rms(sandbox, settings):
    """The sandbox with the demo credentials registered, and Django pointed at it."""
    sandbox.state.add_credential(DEMO_SECRET, DEMO_LICENSE, "000001", timezone.now() + timedelta(days=60))
    settings.RMS_API_BASE_URL = sandbox.url
    return sandbox


@pytest.fixture
def account(make_account, make_store):
    return make_account("楽天テスト店", stores=[make_store()], alert_email="alerts@example.com")
