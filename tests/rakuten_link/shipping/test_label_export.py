"""Which orders become which label rows: the buyer's slot read from the remarks when shippingTerm lacks it."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from django.utils import timezone

from orders.models import OrderPackage
from rakuten_link.shipping.label_export import export_labels, slot_from_label
from rakuten_link.shipping.label_settings import LabelSettings


def _order(account, make_order, remarks: str):
    order = make_order(account, [(None, 1)], remarks=remarks, state="allocated", order_progress=300)
    OrderPackage.objects.filter(order=order).update(recipient_zip="150-0001", recipient_phone="090-1111-2222",
                                                    recipient_address="東京都渋谷区神宮前1-2-3")
    return order


def test_a_slot_only_in_the_remarks_is_mapped_or_refused_never_dropped(account, make_order):
    LabelSettings.objects.create(account=account, sender_name="楽天ショップ", sender_zip="158-0094",
                                 sender_address="東京都世田谷区玉川1-14-1", sender_phone="03-1234-5678",
                                 b2_billing_code="0312345678")
    day = timezone.localdate() + timedelta(days=2)
    fine = _order(account, make_order, f"[配送日時指定:]\n{day:%Y-%m-%d}(木)\n14：00～16：00\n")
    gone = _order(account, make_order, f"[配送日時指定:]\n{day:%Y-%m-%d}(木)\n12:00〜14:00\n")
    result = export_labels(account, "b2", [fine, gone])
    rows = list(csv.reader(io.StringIO(result.data.decode("cp932"))))[1:]
    assert [(r[0].startswith(fine.order_number), r[5], r[6]) for r in rows] == [(True, f"{day:%Y/%m/%d}", "1416")]
    assert [p.order_number for p in result.problems] == [gone.order_number]
    assert "12:00〜14:00" in result.problems[0].reasons[0]


def test_slot_labels():
    assert [slot_from_label(text) for text in ("午前中", "18時～21時", "19:00-21:00", "夜間")] == [
        "am", "1821", "1921", "?夜間"]


def test_parcel_size_from_the_sku_rule_or_as_staff_choose_it(account, make_order, make_sku):
    LabelSettings.objects.create(account=account, sender_name="楽天ショップ", sender_zip="158-0094",
                                 sender_address="東京都世田谷区玉川1-14-1", sender_phone="03-1234-5678",
                                 b2_billing_code="0312345678", mailbox_skus="SOCKS-1\n", compact_skus="CAP-1")
    socks, cap, tee = make_sku("SOCKS-1"), make_sku("CAP-1"), make_sku("TEE-1")
    orders = [make_order(account, [(sku, 1)], order_progress=300) for sku in (socks, cap, tee)]
    OrderPackage.objects.filter(order__in=orders).update(recipient_zip="150-0001", recipient_phone="090-1111-2222",
                                                         recipient_address="東京都渋谷区神宮前1-2-3")

    def types(**kwargs) -> list[str]:
        result = export_labels(account, "b2", orders, **kwargs)
        return [row[1] for row in csv.reader(io.StringIO(result.data.decode("cp932")))][1:]

    assert types() == ["A", "8", "0"]  # ネコポス, 宅急便コンパクト, 発払い
    assert types(size="compact") == ["8", "8", "8"]
