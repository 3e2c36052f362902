"""One shop, one account in the model: a normalised shop key, unique in the database.

The admin form was the only guard: a command, a data migration or a script could still create a second
account for the same shop and import every order twice. The key is what ``shop_identity`` makes of the
shop URL (scheme, case, trailing path, www./item./m. hosts folded), kept on the row under a UNIQUE
constraint; ``full_clean()`` refuses the duplicate in Japanese and names the account already there.
"""

from __future__ import annotations

import importlib

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils.translation import override

from accounts.models import EcAccount
from accounts.shop_keys import duplicate_shops, duplicate_shops_report

STORED = "https://www.rakuten.co.jp/shop/"
VARIANTS = ["http://www.rakuten.co.jp/shop", "https://www.rakuten.co.jp/SHOP/", "https://item.rakuten.co.jp/shop/10/",
            "https://m.rakuten.co.jp/shop/", "shop", "www.rakuten.co.jp/shop/"]


def _account(name: str, shop_url: str) -> EcAccount:
    return EcAccount(name=name, shop_url=shop_url, service_secret=f"SP_{name}", license_key="SL000001_x")


@pytest.fixture
def first(db):
    account = _account("本店", STORED)
    account.save()
    return account


def test_the_key_is_kept_on_save(first):
    assert first.shop_key == "rakuten.co.jp/shop/"
    first.shop_url = "https://www.rakuten.co.jp/other/"
    first.save(update_fields=["shop_url"])
    first.refresh_from_db()
    assert first.shop_key == "rakuten.co.jp/other/"


@pytest.mark.parametrize("url", VARIANTS)
def test_full_clean_refuses_a_second_account_for_the_shop_in_japanese(first, url):
    with override("ja"), pytest.raises(ValidationError) as info:
        _account("二号店", url).full_clean()
    messages = info.value.message_dict
    assert list(messages) == ["shop_url"]
    said = " ".join(messages["shop_url"])  # a bare "shop" also fails the URL field itself
    assert "「本店」" in said and "すでに登録されています" in said


@pytest.mark.parametrize("url", VARIANTS)
def test_a_direct_create_of_a_second_account_for_the_shop_is_refused(first, url):
    with transaction.atomic(), pytest.raises(IntegrityError):
        EcAccount.objects.create(name="二号店", shop_url=url, service_secret="SP000009_x", license_key="SL_x")
    assert EcAccount.objects.count() == 1


def test_another_shop_and_the_account_itself_pass(first):
    first.full_clean()
    other = _account("二号店", "https://www.rakuten.co.jp/shop2/")
    other.full_clean()
    other.save()
    assert EcAccount.objects.count() == 2


def test_the_duplicate_report_names_every_account_of_a_shared_shop():
    rows = [(1, "本店", STORED), (2, "別店", "https://www.rakuten.co.jp/other/"),
            (3, "二号店", "http://item.rakuten.co.jp/SHOP/1/"), (4, "三号店", "shop")]
    assert duplicate_shops(rows) == {"rakuten.co.jp/shop/": [(1, "本店"), (3, "二号店"), (4, "三号店")]}
    report = duplicate_shops_report(rows)
    assert "rakuten.co.jp/shop/" in report
    assert "本店 (id 1)" in report and "二号店 (id 3)" in report and "三号店 (id 4)" in report
    assert "別店" not in report
    assert duplicate_shops_report(rows[:2]) == ""


def test_the_migration_refuses_existing_duplicates_with_the_report():
    """The function the migration runs: it fills the keys, or stops with the report before any constraint."""
    migration = importlib.import_module("accounts.migrations.0005_ecaccount_shop_key")
    rows = [(1, "本店", STORED), (2, "二号店", "http://www.rakuten.co.jp/shop")]
    with pytest.raises(RuntimeError) as info:
        migration.refuse_duplicates(rows)
    assert "本店 (id 1)" in str(info.value) and "二号店 (id 2)" in str(info.value)
    migration.refuse_duplicates(rows[:1])


@pytest.mark.django_db(transaction=True)
def test_migrating_fills_the_key_of_existing_accounts():
    executor = MigrationExecutor(connection)
    executor.migrate([("accounts", "0004_fast_order_poll")])
    old = executor.loader.project_state([("accounts", "0004_fast_order_poll")]).apps.get_model("accounts", "EcAccount")
    old.objects.create(name="本店", shop_url="http://WWW.rakuten.co.jp/Shop", service_secret="x", license_key="y")
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert EcAccount.objects.get().shop_key == "rakuten.co.jp/shop/"


@pytest.mark.django_db(transaction=True)
def test_migrating_with_duplicates_stops_with_the_names_instead_of_an_integrity_error():
    executor = MigrationExecutor(connection)
    executor.migrate([("accounts", "0004_fast_order_poll")])
    old = executor.loader.project_state([("accounts", "0004_fast_order_poll")]).apps.get_model("accounts", "EcAccount")
    old.objects.create(name="本店", shop_url=STORED, service_secret="x", license_key="y")
    twin = old.objects.create(name="二号店", shop_url="https://item.rakuten.co.jp/shop/", service_secret="x",
                              license_key="y")
    try:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        with pytest.raises(RuntimeError) as info:
            executor.migrate(executor.loader.graph.leaf_nodes())
        assert "本店" in str(info.value) and "二号店" in str(info.value)
    finally:
        old.objects.filter(pk=twin.pk).delete()
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert EcAccount.objects.get().shop_key == "rakuten.co.jp/shop/"
