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


def test_inline_changes_are_named_by_their_labels_too(make_sku):
    from django.forms import inlineformset_factory, modelform_factory

    from inventory.models import Product, Sku

    sku = make_sku("TEE-RED")
    product = sku.product
    data = {"code": product.code, "name": product.name, "price": "1200", "skus-TOTAL_FORMS": "1",
            "skus-INITIAL_FORMS": "1", "skus-0-id": str(sku.pk), "skus-0-product": str(product.pk),
            "skus-0-code": sku.code, "skus-0-name": "Tシャツ 赤", "skus-0-options": '{"カラー": "赤"}'}
    form = modelform_factory(Product, fields=("code", "name", "price"))(data, instance=product)
    formset = inlineformset_factory(Product, Sku, fields=("code", "name", "options"), extra=0)(
        data, instance=product, prefix="skus")
    assert form.is_valid() and formset.is_valid(), (form.errors, formset.errors)
    formset.save()
    message = change_message(form, [formset], False)
    inline = next(part["changed"] for part in message if "object" in part.get("changed", {}))
    assert inline["fields"] == ["SKU name", "options"]  # Django stored "Options", which no catalogue entry matches
