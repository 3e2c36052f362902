"""The shipped message: queued once a parcel made here is reported, with the carrier by name."""

from __future__ import annotations

from orders.models import BuyerMessage, MailTemplate, MessageEvent, MessageStatus


def test_a_reported_parcel_queues_one_shipped_message_with_carrier_and_tracking(order_shop, make_orders, ship,
                                                                                report):
    template = MailTemplate.objects.create(name="発送完了", subject="発送しました（{注文番号}）",
                                           body="配送会社: {配送会社}\nお問い合わせ番号: {お問い合わせ番号}")
    order_shop.account.template_shipped = template
    order_shop.account.save()
    (order,) = make_orders(1)
    order.buyer_email = order.buyer_email or "abc@pc.fw.rakuten.ne.jp"
    order.save(update_fields=["buyer_email"])
    ship(order.packages.get(), "1234-5678", company="1001")
    assert not BuyerMessage.objects.exists()  # not before RMS holds the report
    report()
    report()
    message = BuyerMessage.objects.get()
    assert (message.event, message.status) == (MessageEvent.SHIPPED, MessageStatus.QUEUED)
    assert message.subject == f"発送しました（{order.order_number}）"
    assert "お問い合わせ番号: 1234-5678" in message.body and "配送会社: 1001" not in message.body
