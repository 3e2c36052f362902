"""送り状設定: the label settings of each account (see docs/carriers.md)."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy

from rakuten_link.shipping.label_settings import LabelSettings


@admin.register(LabelSettings)
class LabelSettingsAdmin(admin.ModelAdmin):
    """送り状設定: one per account (the sender, the contract codes, which orders go as mailbox or compact)."""

    list_display = ["account", "sender_name", "b2_billing_code", "sagawa_customer_code", "yupri_label_code"]
    fieldsets = [
        (None, {"fields": ["account", "item_name"]}),
        (gettext_lazy("sender (ご依頼主)"), {"fields": ["sender_name", "sender_kana", "sender_zip", "sender_address",
                                                    "sender_phone"]}),
        (gettext_lazy("contracts"), {"fields": ["b2_billing_code", "b2_billing_class", "b2_freight_number",
                                                "sagawa_customer_code", "yupri_label_code"]}),
        (gettext_lazy("parcel kinds"), {"fields": ["mailbox_words", "compact_words", "mailbox_skus",
                                                   "compact_skus"]}),
        (gettext_lazy("layout options"), {"fields": ["options"]}),
    ]
