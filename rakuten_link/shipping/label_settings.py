"""One shop's settings for carrier label files: the sender (ご依頼主), contract codes and the parcel-kind rules.

Kept beside the account rather than on it: only the shipping desk reads them, and a shop without labels
has none. The layouts' uncertain points (widths, codes, the columns of the files given back) are in
``options``, a JSON object of the keys listed in docs/carriers.md, so a shop can match its software without
a code change.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import EcAccount


def _lines(text: str) -> set[str]:
    return {line.strip() for line in (text or "").splitlines() if line.strip()}


class LabelSettings(models.Model):
    account = models.OneToOneField(EcAccount, on_delete=models.CASCADE, related_name="label_settings",
                                   verbose_name=_("account"))
    sender_name = models.CharField(_("sender name"), max_length=100)
    sender_kana = models.CharField(_("sender name (kana)"), max_length=100, blank=True)
    sender_zip = models.CharField(_("sender postcode"), max_length=10)
    sender_address = models.CharField(_("sender address"), max_length=255)
    sender_phone = models.CharField(_("sender phone"), max_length=20)
    item_name = models.CharField(_("item description on labels"), max_length=50, default="雑貨",
                                 help_text=_("品名 / 内容品 printed on every label."))
    b2_billing_code = models.CharField(_("B2 billing customer code"), max_length=20, blank=True,
                                       help_text=_("ご請求先顧客コード of the B2クラウド contract (10–12 digits)."))
    b2_billing_class = models.CharField(_("B2 billing class code"), max_length=3, blank=True)
    b2_freight_number = models.CharField(_("B2 freight management number"), max_length=2, default="01")
    sagawa_customer_code = models.CharField(_("Sagawa customer code"), max_length=12, blank=True)
    yupri_label_code = models.CharField(_("ゆうプリR label code"), max_length=7, blank=True,
                                        help_text=_("The 7-digit 送り状種別 registered in ゆうプリR."))
    mailbox_words = models.TextField(
        _("delivery methods sent by mailbox service"), blank=True, default="メール便\nネコポス\nゆうパケット",
        help_text=_("One word per line: an order whose RMS delivery method contains one goes as ネコポス / "
                    "ゆうパケット."))
    compact_words = models.TextField(
        _("delivery methods sent compact"), blank=True, default="コンパクト",
        help_text=_("One word per line: such orders go as 宅急便コンパクト."))
    mailbox_skus = models.TextField(
        _("SKUs that fit the mailbox service"), blank=True,
        help_text=_("One SKU code per line: an order of only these SKUs (one unit) goes as ネコポス / ゆうパケット."))
    compact_skus = models.TextField(
        _("SKUs that fit a compact box"), blank=True,
        help_text=_("One SKU code per line: an order of only these SKUs goes as 宅急便コンパクト."))
    options = models.JSONField(_("layout options"), default=dict, blank=True,
                               help_text=_("Widths, codes and return-file columns; see docs/carriers.md."))

    class Meta:
        verbose_name = _("label settings")
        verbose_name_plural = _("label settings")

    def __str__(self) -> str:
        return str(self.account)

    def word_rules(self) -> tuple[set[str], set[str]]:
        return _lines(self.mailbox_words), _lines(self.compact_words)

    def sku_rules(self) -> tuple[set[str], set[str]]:
        return _lines(self.mailbox_skus), _lines(self.compact_skus)
