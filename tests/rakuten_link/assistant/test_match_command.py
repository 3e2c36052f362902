"""`manage.py match_catalogue`: counts per confidence, --dry-run, --accept high through the page's writer."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from inventory.models import Product, Sku
from rakuten_link.assistant.models import MappingProposal
from rakuten_link.models import ProductMapping


@pytest.fixture
def account(make_account, make_catalogue):
    account = make_account(name="楽天本店")
    product = Product.objects.create(code="CAP", name="キャップ")
    for code in ("CAP-BK", "CAP-WH", "CAP-RD"):
        Sku.objects.create(code=code, product=product, name=code)
    make_catalogue(account, {"cap": [dict(variant_id="bk", merchant_sku_id="ＣＡＰ－ＢＫ"),
                                     dict(variant_id="cap-wh"),
                                     dict(variant_id="rd", merchant_sku_id="CAP-RD"),
                                     dict(variant_id="rd2", merchant_sku_id="cap_rd")]})
    return account


def run(*args) -> str:
    out = StringIO()
    call_command("match_catalogue", *args, stdout=out)
    return out.getvalue()


def test_counts_per_confidence(account):
    out = run("--account", "楽天本店")
    assert "4 unmapped variants, 0 without a proposal" in out
    assert "high: 1 (conflicts 2)" in out and "medium: 1 (conflicts 0)" in out
    assert "item_options" not in out and "variant_code: 1" in out
    assert MappingProposal.objects.count() == 4


def test_dry_run_writes_nothing(account):
    out = run("--account", "楽天本店", "--accept", "high", "--dry-run")
    assert "[dry run]" in out and "would accept 1" in out
    assert not MappingProposal.objects.exists() and not ProductMapping.objects.exists()


def test_accept_high_creates_the_clean_ones_and_is_audited(account):
    user = get_user_model().objects.create_user("taro", is_staff=True)
    out = run("--account", "楽天本店", "--accept", "high", "--user", "taro")
    assert "accepted: 1 mappings created" in out
    assert list(ProductMapping.objects.values_list("variant_id", "sku__code")) == [("bk", "CAP-BK")]
    assert LogEntry.objects.get().user == user


def test_accept_needs_an_existing_account_and_a_staff_user_when_one_is_named(account):
    with pytest.raises(CommandError, match="no staff user named 'nobody'"):
        run("--account", "楽天本店", "--accept", "high", "--user", "nobody")
    with pytest.raises(CommandError, match="no account"):
        run("--account", "nope")
    assert not ProductMapping.objects.exists()


def test_accept_without_user_is_audited_as_the_command(account):
    out = run("--account", "楽天本店", "--accept", "high")
    created = ProductMapping.objects.count()
    assert created and f"{created} mappings created" in out
    entry = LogEntry.objects.get()
    assert entry.user.username == "command:match_catalogue" and not entry.user.is_active
    assert f"{created}" in entry.change_message
