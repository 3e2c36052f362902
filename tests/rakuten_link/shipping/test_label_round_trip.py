"""Orders out to a carrier's label file and the issued numbers back, through the commands, to the sandbox.

The "software's output" files are made from the exported file the way the carriers' column tables in
docs/carriers.md describe them: B2's 発行済データ is the same 97 columns with 伝票番号 (column 4) filled, e飛伝's
出荷データ has the tracking number in column 1, the date in column 3 and our key in column 19, ゆうプリR's is
what its output filter names.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from orders.models import Shipment
from rakuten_link.shipping.label_settings import LabelSettings
from rakuten_link.sync.jobs import run_account_job

from .helpers import item

UPDATE = "rpay.order.updateOrderShipping"


@pytest.fixture
def label_shop(order_shop):
    LabelSettings.objects.create(account=order_shop.account, sender_name="楽天ショップ", sender_zip="158-0094",
                                 sender_address="東京都世田谷区玉川1-14-1", sender_phone="03-1234-5678",
                                 b2_billing_code="0312345678", yupri_label_code="1100780")
    return order_shop


def _orders(rms_orders, account):
    soon = (timezone.localdate() + timedelta(days=3)).isoformat()
    partials = [{"orderProgress": 300, "PackageModelList": [item()]},
                {"orderProgress": 300, "shippingTerm": 1416, "deliveryDate": soon, "PackageModelList": [item()]},
                {"orderProgress": 300, "PackageModelList": [item(), item()]}]
    numbers = rms_orders.create(*partials)
    assert run_account_job(account, "orders").status == "success"
    return numbers


def _read(path) -> list[list[str]]:
    raw = path.read_bytes()
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")  # CRLF only
    return list(csv.reader(io.StringIO(raw.decode("cp932"), newline="")))


def _write(path, rows: list[list[str]]) -> None:
    text = io.StringIO(newline="")
    csv.writer(text, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(rows)
    path.write_bytes(text.getvalue().encode("cp932"))


def _b2_issued(exported: list[list[str]]) -> tuple[list[list[str]], list[str]]:
    """発行済データ: each row with a 12-digit 伝票番号; the first package gets a second parcel (two labels)."""
    header, rows = exported[0], exported[1:]
    issued, numbers = [header], []
    for n, row in enumerate([*rows, rows[0]]):
        number = f"4000{n:08d}"
        issued.append([*row[:3], number, *row[4:]])
        numbers.append(number)
    return issued, numbers


def _sent(rms_orders) -> Counter:
    sent: Counter = Counter()
    for call in rms_orders.log(UPDATE):
        for basket in call["body"]["BasketidModelList"]:
            sent.update(s["shippingNumber"] for s in basket["ShippingModelList"])
    return sent


def _report_and_check(account, rms_orders, numbers):
    assert run_account_job(account, "shipments").status == "success"
    assert run_account_job(account, "shipments").status == "success"  # a second run sends nothing again
    assert _sent(rms_orders) == Counter({n: 1 for n in numbers})
    ours = Shipment.objects.filter(order__account=account, deleted=False)
    assert sorted(ours.values_list("tracking_number", flat=True)) == sorted(numbers)
    assert set(ours.values_list("report_state", flat=True)) == {"reported"}


def test_b2_round_trip_reports_each_label_once(label_shop, rms_orders, tmp_path):
    account = label_shop.account
    numbers = _orders(rms_orders, account)
    out = tmp_path / "b2.csv"
    call_command("export_labels", "--account", account.name, "--carrier", "b2", "--output", str(out))
    exported = _read(out)
    assert len(exported) == 5 and {len(row) for row in exported} == {97}
    keyed = {row[0]: row for row in exported[1:]}
    timed = next(row for key, row in keyed.items() if key.startswith(numbers[1]))
    assert (timed[1], timed[6], timed[5]) == ("0", "1416", (timezone.localdate() + timedelta(days=3))
                                                            .strftime("%Y/%m/%d"))
    assert all(row[39] == "0312345678" and row[41] == "01" and row[24] == "楽天ショップ" for row in keyed.values())
    issued, tracking = _b2_issued(exported)
    back = tmp_path / "issued.csv"
    _write(back, issued)
    call_command("import_labels", str(back), "--account", account.name, "--carrier", "b2")
    first = Shipment.objects.filter(tracking_number=tracking[-1]).get()
    assert first.delivery_company == "1001" and first.package.shipments.filter(deleted=False).count() == 2
    rms_orders.clear_log()
    _report_and_check(account, rms_orders, tracking)
    call_command("import_labels", str(back), "--account", account.name, "--carrier", "b2")  # the same file again
    assert run_account_job(account, "shipments").status == "success"
    assert _sent(rms_orders) == Counter({n: 1 for n in tracking})


def test_ehiden_round_trip(label_shop, rms_orders, tmp_path):
    account = label_shop.account
    _orders(rms_orders, account)
    out = tmp_path / "ehiden.csv"
    call_command("export_labels", "--account", account.name, "--carrier", "ehiden", "--output", str(out))
    exported = _read(out)
    assert {len(row) for row in exported} == {74}
    shipped = [["お問い合せ送り状No.", "x", "出荷日", *[""] * 15, "お客様管理番号"]]
    tracking = []
    for n, row in enumerate(exported[1:]):
        tracking.append(f"3600{n:08d}")
        shipped.append([tracking[-1], "", timezone.localdate().strftime("%Y%m%d"), *[""] * 15, row[9]])
    back = tmp_path / "shipped.csv"
    _write(back, shipped)
    call_command("import_labels", str(back), "--account", account.name, "--carrier", "ehiden")
    assert set(Shipment.objects.values_list("delivery_company", flat=True)) == {"1002"}
    rms_orders.clear_log()
    _report_and_check(account, rms_orders, tracking)


def test_yupri_round_trip_and_a_bad_row_writes_nothing(label_shop, rms_orders, tmp_path):
    account = label_shop.account
    _orders(rms_orders, account)
    out = tmp_path / "yupri.csv"
    with pytest.raises(CommandError):  # 14–16 has no ゆうプリR code until the shop sets one
        call_command("export_labels", "--account", account.name, "--carrier", "yupri", "--output", str(out))
    assert len(_read(out)) == 4  # the three other packages and the header
    LabelSettings.objects.filter(account=account).update(options={"yupri_slots": {"1416": "54"}})
    call_command("export_labels", "--account", account.name, "--carrier", "yupri", "--output", str(out))
    exported = _read(out)
    assert {len(row) for row in exported} == {69} and "54" in [row[65] for row in exported]
    rows = [["お客様側管理番号", "お問い合わせ番号", "発送日"]]
    rows += [[row[0], f"1234-5678-{n:04d}", timezone.localdate().strftime("%Y%m%d")] for n, row in
             enumerate(exported[1:])]
    bad = [*rows, [rows[1][0], "", "20260101"]]
    back = tmp_path / "out.csv"
    _write(back, bad)
    with pytest.raises(CommandError):
        call_command("import_labels", str(back), "--account", account.name, "--carrier", "yupri")
    assert not Shipment.objects.exists()
    _write(back, rows)
    call_command("import_labels", str(back), "--account", account.name, "--carrier", "yupri")
    rms_orders.clear_log()
    _report_and_check(account, rms_orders, [f"12345678{n:04d}" for n in range(4)])
