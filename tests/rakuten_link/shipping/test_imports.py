"""The tracking-number CSV and `manage.py import_shipments`: all rows or none, every bad row named."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from lib.csvfile import CsvFormatError
from orders.models import OrderPackage, Shipment
from orders.services import allocate_order
from orders.shipping import record_shipment
from rakuten_link.shipping.imports import import_shipments_csv

from .helpers import stock

HEADER = "注文番号,送付先ID,配送会社,お問い合わせ番号,発送日\n"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def shop(make_account, make_store, make_sku, set_stock, make_order):
    """An account with one store and stock, and two allocated orders in 300 (one package each)."""
    store, sku = make_store("S1"), make_sku("TEE-M")
    set_stock(store, sku, 10)
    account = make_account("楽天本店", stores=[store])
    orders = [allocate_order(make_order(account, [(sku, 1)], order_progress=300)) for _ in range(2)]
    return account, store, sku, orders


def csv_bytes(*rows: str, encoding: str = "utf-8-sig") -> bytes:
    return (HEADER + "".join(f"{row}\n" for row in rows)).encode(encoding)


def basket(order) -> int:
    return order.packages.get().basket_id


def test_a_good_file_is_previewed_then_recorded(shop):
    account, store, sku, (first, second) = shop
    data = csv_bytes(f"{first.order_number},{basket(first)},1001,1234-5678-9012,2026-05-02",
                     f"{second.order_number},,佐川急便,SG-1,2026/5/3")
    preview = import_shipments_csv(data, account=account, dry_run=True)
    assert preview.ok and preview.created == 2 and not Shipment.objects.exists()
    assert [row["carrier"] for row in preview.preview] == ["1001 ヤマト運輸", "1002 佐川急便"]
    report = import_shipments_csv(data, account=account)
    assert report.ok and report.created == 2
    assert sorted(Shipment.objects.values_list("delivery_company", "tracking_number", "shipped_on")) == [
        ("1001", "1234-5678-9012", date(2026, 5, 2)), ("1002", "SG-1", date(2026, 5, 3))]
    first.refresh_from_db()
    assert first.state == "shipped" and Shipment.objects.get(order=first).report_state == "pending"
    assert stock(store, sku) == (8, 0)  # both parcels left the shelf


def test_the_same_file_twice_adds_nothing(shop):
    account, _store, _sku, (first, _second) = shop
    data = csv_bytes(f"{first.order_number},,1001,111,2026-05-02")
    import_shipments_csv(data, account=account)
    again = import_shipments_csv(data, account=account)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1) and Shipment.objects.count() == 1


def test_a_shipment_without_number_is_filled_in_and_a_changed_row_corrects(shop):
    """"Mark selected shipped" leaves a parcel without a number: the CSV fills that parcel in."""
    account, store, _sku, (first, _second) = shop
    parcel = record_shipment(package=first.packages.get(), delivery_company="1001", shipped_on=date(2026, 5, 1),
                             store=store)
    report = import_shipments_csv(csv_bytes(f"{first.order_number},,1001,777,2026-05-02"), account=account)
    assert (report.created, report.updated) == (0, 1)
    parcel.refresh_from_db()
    assert (parcel.tracking_number, parcel.shipped_on) == ("777", date(2026, 5, 2))
    fixed = import_shipments_csv(csv_bytes(f"{first.order_number},,1002,777,2026-05-02"), account=account)
    assert fixed.updated == 1 and Shipment.objects.get().delivery_company == "1002"


def test_every_kind_of_bad_row_is_listed_and_nothing_is_written(shop, make_account, make_order, make_store):
    account, store, sku, (first, second) = shop
    other = make_account("楽天2号店", stores=[make_store("S2")])
    foreign = make_order(other, [(None, 1)])
    cancelled = make_order(account, [(sku, 1)], order_progress=900, state="cancelled")
    several = make_order(account, [(sku, 1)], order_progress=300)
    OrderPackage.objects.create(order=several, basket_id=999_999)
    full = second.packages.get()
    for n in range(19):
        record_shipment(package=full, delivery_company="1001", tracking_number=f"old-{n}",
                        shipped_on=date(2026, 5, 1), store=store)
    rows = [
        f"{first.order_number},,1001,A-1,2026-05-02",            # 2: good
        "000001-20250101-99999999,,1001,A-2,2026-05-02",        # 3: unknown order
        f"{first.order_number},12345,1001,A-3,2026-05-02",      # 4: package not of that order
        f"{first.order_number},,クロネコ便,A-4,2026-05-02",        # 5: unknown carrier
        f"{first.order_number},,1001,A-5,2026-13-01",           # 6: bad date
        f"{first.order_number},,1001,A-6,5月2日",                # 7: bad date
        f"{second.order_number},,1001,N-20,2026-05-02",         # 8: the 20th: fine
        f"{second.order_number},,1001,N-21,2026-05-02",         # 9: the 21st for that basket
        f"{foreign.order_number},,1001,A-7,2026-05-02",         # 10: another account's order
        f"{cancelled.order_number},,1001,A-8,2026-05-02",       # 11: cancelled
        f"{several.order_number},,1001,A-9,2026-05-02",         # 12: several packages, no 送付先ID
        f"{first.order_number},,1001,,2026-05-02",              # 13: no tracking number
        f"{first.order_number},,1001,A-1,2026-05-02",           # 14: duplicate of line 2
    ]
    before = Shipment.objects.count()
    report = import_shipments_csv(csv_bytes(*rows), account=account)
    assert [(e.line, e.column) for e in report.errors] == [
        (3, "注文番号"), (4, "送付先ID"), (5, "配送会社"), (6, "発送日"), (7, "発送日"), (9, "送付先ID"),
        (10, "注文番号"), (11, "注文番号"), (12, "送付先ID"), (13, "お問い合わせ番号"), (14, "お問い合わせ番号")]
    messages = {e.line: e.message for e in report.errors}
    assert "楽天2号店" in messages[10] and "cancelled" in messages[11] and "20" in messages[9]
    assert str(basket(first)) in messages[4] and "クロネコ便" in messages[5]
    assert Shipment.objects.count() == before


def test_a_cp932_file_as_excel_saves_it(shop):
    account, _store, _sku, (first, _second) = shop
    data = csv_bytes(f"{first.order_number},,ヤマト運輸,１２３－４,2026/05/02", encoding="cp932")
    report = import_shipments_csv(data, account=account)
    assert report.ok and Shipment.objects.get().delivery_company == "1001"
    assert Shipment.objects.get().tracking_number == "123-4"  # full-width as typed, stored as carriers print it


def test_a_file_without_the_columns_is_refused_as_a_whole(shop):
    account = shop[0]
    with pytest.raises(CsvFormatError, match="注文番号"):
        import_shipments_csv("番号,伝票\n1,2\n".encode(), account=account)


def test_the_command_dry_run_then_write(shop, tmp_path, capsys):
    account, _store, _sku, (first, _second) = shop
    path = tmp_path / "tracking.csv"
    path.write_bytes(csv_bytes(f"{first.order_number},,1001,CMD-1,2026-05-02"))
    call_command("import_shipments", str(path), "--account", account.name, "--dry-run")
    assert "dry run" in capsys.readouterr().out and not Shipment.objects.exists()
    call_command("import_shipments", str(path), "--account", account.name)
    assert "1 new shipments" in capsys.readouterr().out and Shipment.objects.count() == 1


def test_the_command_exits_1_with_the_row_errors(shop, tmp_path, capsys):
    account = shop[0]
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes("000001-20250101-99999999,,1001,X,2026-05-02"))
    with pytest.raises(CommandError) as failed:
        call_command("import_shipments", str(path), "--account", account.name, "--dry-run")
    assert failed.value.returncode == 1
    assert "line 2" in capsys.readouterr().err and not Shipment.objects.exists()
