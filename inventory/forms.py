"""Admin forms that go through the stock service instead of editing on_hand."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.utils.translation import gettext_lazy as _

from .models import Sku, StockMovement, Store


class StockAdjustmentForm(forms.Form):
    store = forms.ModelChoiceField(Store.objects.all(), label=_("store"))
    sku = forms.ModelChoiceField(
        Sku.objects.all(), label=_("SKU"),
        help_text=_("Type part of the SKU code, name or JAN code to search. The current stock is shown below."),
    )
    quantity = forms.IntegerField(
        label=_("quantity change"), help_text=_("Positive adds stock, negative removes it (e.g. -2).")
    )
    note = forms.CharField(label=_("note"), max_length=255, required=False)

    def __init__(self, *args, admin_site: admin.AdminSite = admin.site, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # A shop has thousands of SKUs: the admin's search-as-you-type picker (SkuAdmin.search_fields) instead of
        # a <select> of all of them. The widget needs a relation to a registered model: a movement's SKU.
        sku = self.fields["sku"]
        assert isinstance(sku, forms.ModelChoiceField)  # the model form's field for a foreign key
        sku.widget = AutocompleteSelect(StockMovement._meta.get_field("sku"), admin_site)
        sku.widget.choices = sku.choices  # what ModelChoiceField does for the widget it was built with

    def clean_quantity(self) -> int:
        quantity = self.cleaned_data["quantity"]
        if quantity == 0:
            raise forms.ValidationError(_("Enter a change other than 0."))
        return quantity


class CsvUploadForm(forms.Form):
    file = forms.FileField(label=_("CSV file"), help_text=_("UTF-8 (with or without BOM) or Shift_JIS (Excel)."))
    max_bytes = 20 * 1024 * 1024

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.max_bytes:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return upload
