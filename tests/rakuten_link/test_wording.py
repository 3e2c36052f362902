"""Staff read RMS functions by their Japanese names and errors explained first, the technical text folded."""

from __future__ import annotations

import socket

from django.utils.translation import override

from rakuten_link.admin.run_display import count_label
from rakuten_link.wording import DETAIL, as_html, as_mail, as_plain, framed, function_label, network_error


def test_every_function_the_client_calls_has_a_japanese_name():
    from pathlib import Path

    source = "".join(p.read_text() for p in Path("rakuten_link/rms").glob("api_*.py"))
    with override("ja"):
        assert function_label("rpay.order.searchOrder") == "受注検索 (searchOrder)"
        assert function_label("order.searchOrder") == "受注検索 (searchOrder)"
        assert function_label("license.expiryDate.get") == "licenseKey有効期限取得 (license.expiryDate.get)"
        for function in ("inventoryapi_2.0.bulk.upsert", "itemapi_2.0.items.bulk.get", "itemapi_2.0.items.upsert"):
            assert function in source and not function_label(function).startswith(function)
    assert function_label("something.new") == "something.new"


def test_a_dns_failure_is_explained_before_the_system_text():
    with override("ja"):
        error = network_error(socket.gaierror(-2, "Name or service not known"))
        page, mail = as_html(error), as_mail(error)
    assert error.startswith("メール送信サーバーに接続できません（ホスト名を解決できません）")
    assert page.index("ホスト名") < page.index("<details") < page.index("Name or service not known")
    assert mail.splitlines()[-1] == "技術情報: [Errno -2] Name or service not known"
    assert "Errno" not in as_plain(error)


def test_a_lost_connection_to_rms_is_a_japanese_sentence_with_the_detail_folded():
    with override("ja"):
        shown = framed("RMS rpay.order.getOrder: connection failed (ConnectionError)")
        page = as_html("RMS rpay.order.getOrder: connection failed (ConnectionError)")
    head, _sep, detail = shown.partition(DETAIL)
    assert "受注情報取得 (getOrder) に接続できませんでした" in head and "connection failed" not in head
    assert detail == "ConnectionError" and "<details" in page
    assert as_html("3件送信") == "3件送信"


def test_the_messages_job_counts_have_labels():
    with override("ja"):
        labels = {key: count_label(key) for key in ("sent", "failed", "unknown", "queued", "follow_up")}
    assert all(label != key and label.isascii() is False for key, label in labels.items()), labels


def test_a_stored_system_error_is_explained_where_a_message_shows_it(admin_client, make_account, make_order):
    from orders.models import BuyerMessage

    order = make_order(make_account())
    message = BuyerMessage.objects.create(order=order, event="shipped", status="unknown", recipient="b@example.com",
                                          subject="発送のお知らせ", body="本文",
                                          last_error="[Errno 104] Connection reset by peer")
    page = admin_client.get(f"/admin/orders/buyermessage/{message.pk}/change/").content.decode()
    explained = "ネットワークエラー（サーバーが接続を切断しました）。"
    assert explained in page and page.index(explained) < page.index("<details") < page.index("Connection reset")
    with override("ja"):
        assert as_plain("[Errno -3] Temporary failure in name resolution") == \
            "ネットワークエラー（ホスト名を解決できません）。"
