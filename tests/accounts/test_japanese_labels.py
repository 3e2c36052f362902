"""Every account field and form field has a Japanese label, so its history entry reads in Japanese."""

from __future__ import annotations

import json

from django.contrib.admin.models import LogEntry
from django.utils import translation

from accounts.forms import EcAccountForm
from accounts.models import EcAccount
from lib.audit import change_message

AS_IS = {"licenseKey", "serviceSecret", "SMTP AUTH ID"}  # locale/GLOSSARY.md: API names stay as they are


def test_every_field_and_form_field_has_a_japanese_label():
    with translation.override(None):
        english = {field.name: str(field.verbose_name) for field in EcAccount._meta.get_fields()
                   if hasattr(field, "verbose_name") and not field.auto_created}
        english |= {name: str(field.label) for name, field in EcAccountForm.declared_fields.items() if field.label}
    with translation.override("ja"):
        untranslated = {name: label for name, label in english.items()
                        if label not in AS_IS and translation.gettext(label) == label}
    assert untranslated == {}


def test_a_history_entry_names_the_changed_fields_in_japanese(make_account):
    account = make_account()
    data = {"name": account.name, "shop_url": account.shop_url, "tax_rounding": "floor", "safety_stock": "3",
            "alert_email": account.alert_email, "prohibited_words": "最安値", "follow_up_days": "7",
            "license_key": "SL000002_newlicense"}
    form = EcAccountForm(data, instance=account)
    assert form.is_valid(), form.errors
    entry = LogEntry(change_message=json.dumps(change_message(form, [], False)))
    with translation.override("ja"):
        message = entry.get_change_message()
    assert message.startswith("変更した項目：") and "licenseKey" in message, message
    assert "安全在庫" in message and "出品禁止ワード" in message
    assert "Safety stock" not in message and "Prohibited" not in message and "LicenseKey" not in message
