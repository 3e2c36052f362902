"""An order change reads with the field's Japanese label and display values; raw RMS paths stay folded."""

from __future__ import annotations

from django.utils.translation import override

from orders.admin_display import change_value, change_what
from orders.models import OrderChange


def test_a_status_change_reads_as_staff_say_it():
    change = OrderChange(field="order_progress", old_value="300", new_value="500")
    with override("ja"):
        assert str(change) == "楽天ステータス: 300 発送待ち → 500 発送済"
        assert str(OrderChange(field="shipping_reported_at", old_value="", new_value="2025-01-02 10:00:00")) == \
            "発送完了報告日時:  → 2025-01-02 10:00:00"
        assert change_what(OrderChange(field="package:7:recipient_address")) == "送付先 7 › 住所"


def test_a_raw_change_keeps_its_path_and_json_in_the_fold():
    change = OrderChange(field="raw:PackageModelList[1].ShippingModelList[77]", old_value="",
                         new_value='{"shippingNumber": "123412341234"}')
    with override("ja"):
        what, new = change_what(change), change_value(change, change.new_value)
        assert str(change) == "モール側データが変わりました"
    assert what.startswith("モール側データ<details") and what.index("PackageModelList") > what.index("<details")
    assert new.startswith("<details") and "shippingNumber" in new
    memo = OrderChange(field="raw:memo", old_value="", new_value="ギフト包装")
    assert change_value(memo, memo.new_value) == "ギフト包装"
