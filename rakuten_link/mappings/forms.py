"""Admin forms for product mappings: the add/edit form and the CSV upload form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import EcAccount
from rakuten_link.mappings.rules import MappingError, check_merchant_sku, mapping_key, shared_sku_messages
from rakuten_link.mappings.status import mark_unchecked
from rakuten_link.models import ProductMapping

KEY_FIELDS = ("account", "manage_number", "variant_id", "legacy_h_choice", "legacy_v_choice")


class ProductMappingForm(forms.ModelForm):
    """Applies the same key rules as the CSV import, and sends a changed key back to 未確認.

    ``warnings`` lists what deserves a look but is not wrong (our SKU already sold as another Rakuten
    SKU of the account, normal for set items): the page shows them, they never block the save.
    """

    class Meta:
        model = ProductMapping
        fields = ("account", "manage_number", "variant_id", "legacy_h_choice", "legacy_v_choice",
                  "merchant_defined_sku_id", "sku", "safety_stock")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.warnings: list[str] = []
        if self.instance.pk and not self.is_bound:  # the page of a saved mapping says it too
            self.warnings = shared_sku_warnings(self.instance.account_id, self.instance.sku_id, self.instance.pk)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        try:
            key = mapping_key(data.get("manage_number") or "", data.get("variant_id") or "",
                              data.get("legacy_h_choice") or "", data.get("legacy_v_choice") or "")
            data["merchant_defined_sku_id"] = check_merchant_sku(data.get("merchant_defined_sku_id") or "")
        except MappingError as exc:
            self.add_error(exc.field if exc.field in self.fields else None, exc.message)
            return data
        data.update(manage_number=key.manage_number, variant_id=key.variant_id,
                    legacy_h_choice=key.legacy_h_choice, legacy_v_choice=key.legacy_v_choice)
        # The model's constraints are conditional, so Django's own unique check cannot see them.
        self._check_unique(data, key)
        if data.get("account") is not None and data.get("sku") is not None:
            self.warnings = shared_sku_warnings(data["account"].pk, data["sku"].pk, self.instance.pk)
        return data

    def _check_unique(self, data, key) -> None:
        account = data.get("account")
        if account is None:
            return
        same = ProductMapping.objects.filter(account=account, manage_number=key.manage_number)
        if key.variant_id:
            same = same.filter(variant_id=key.variant_id)
        else:
            same = same.filter(variant_id="", legacy_h_choice=key.legacy_h_choice,
                               legacy_v_choice=key.legacy_v_choice)
        if same.exclude(pk=self.instance.pk).exists():
            self.add_error("variant_id", _("This account already maps this Rakuten SKU."))

    def save(self, commit=True):
        mapping = super().save(commit=False)
        if any(field in self.changed_data for field in KEY_FIELDS) and self.instance.pk:
            # Another Rakuten SKU: what we verified and pushed before says nothing about it.
            mark_unchecked(mapping, forget_check=True)
            mapping.last_pushed_quantity = mapping.last_pushed_at = None
            mapping.variant_choices = None
        if commit:
            mapping.save()
        return mapping


def shared_sku_warnings(account_id: int | None, sku_id: int | None, exclude_pk: int | None) -> list[str]:
    """The warning for our SKU already mapped to other Rakuten SKUs of the account ([] when it is not)."""
    if account_id is None or sku_id is None:
        return []
    mapped = ProductMapping.objects.filter(account_id=account_id, sku_id=sku_id)
    if exclude_pk is not None:
        mapped = mapped.exclude(pk=exclude_pk)
    others = list(mapped.select_related("sku").order_by("manage_number", "variant_id")[:6])
    if not others:
        return []
    return shared_sku_messages(others[0].sku.code, [], others)


class MappingUploadForm(forms.Form):
    account = forms.ModelChoiceField(EcAccount.objects.all(), label=_("account"))
    file = forms.FileField(label=_("CSV file"), help_text=_("UTF-8 (with or without BOM) or Shift_JIS (Excel)."))
    max_bytes = 20 * 1024 * 1024

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        accounts = list(EcAccount.objects.all()[:2])
        if len(accounts) == 1:
            self.fields["account"].initial = accounts[0].pk

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.max_bytes:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return upload
