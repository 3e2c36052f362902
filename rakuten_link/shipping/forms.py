"""Forms of the order page and the order list: a shipment, the bulk 発送, a cancellation, the tracking CSV.

Staff pick a carrier by its name; the value posted is its RMS code (RMS refuses names, docs/rms.md §2.5), so
what is stored is always a code from the table. The ship date defaults to today in Japan, the store to the
account's first store.
"""

from __future__ import annotations

from collections.abc import Iterable

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import EcAccount
from inventory.models import Store
from orders.models.shipment import MAX_TRACKING_NUMBER, normalize_tracking_number, validate_tracking_number
from rakuten_link.rms.codes import BUYER_CANCEL_REASONS, SHOP_CANCEL_REASONS, carrier_choices

DATE_FORMATS = ["%Y-%m-%d", "%Y/%m/%d"]


def _carrier_field() -> forms.ChoiceField:
    return forms.ChoiceField(label=_("carrier"), choices=[("", "---------"), *carrier_choices()])


def _date_field() -> forms.DateField:
    return forms.DateField(label=_("shipped on"), initial=timezone.localdate, input_formats=DATE_FORMATS,
                           widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


def _store_field(stores: Iterable[Store]) -> forms.ModelChoiceField:
    ids = [store.pk for store in stores]
    field = forms.ModelChoiceField(Store.objects.filter(pk__in=ids), label=_("shipped from"), required=False,
                                   empty_label=_("where the goods are held"))
    field.initial = ids[0] if ids else None
    return field


class TrackingNumberField(forms.CharField):
    """Full-width digits and hyphens as typed on a Japanese keyboard become ASCII before the check."""

    default_validators = [validate_tracking_number]

    def to_python(self, value):
        return normalize_tracking_number(super().to_python(value))


class BulkShipForm(forms.Form):
    """発送 for many orders at once: the tracking numbers come later, by CSV."""

    delivery_company = _carrier_field()
    shipped_on = _date_field()

    def __init__(self, *args, stores: Iterable[Store] = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["store"] = _store_field(stores)


class ShipmentForm(BulkShipForm):
    """One parcel of one package (or of the whole order, for 発送); ``with_store`` False when correcting one."""

    tracking_number = TrackingNumberField(label=_("tracking number"), required=False, widget=forms.TextInput(
        attrs={"size": 18, "autocomplete": "off", "maxlength": MAX_TRACKING_NUMBER * 2}))

    field_order = ["delivery_company", "tracking_number", "shipped_on", "store"]

    def __init__(self, *args, stores: Iterable[Store] = (), with_store: bool = True, default_carrier: str = "",
                 **kwargs) -> None:
        super().__init__(*args, stores=stores, **kwargs)
        if not with_store:
            del self.fields["store"]
        if default_carrier and not self.is_bound and "delivery_company" not in self.initial:
            self.fields["delivery_company"].initial = default_carrier
        self.order_fields(self.field_order)


class CancelForm(forms.Form):
    reason = forms.TypedChoiceField(
        label=_("cancel reason"), coerce=int,
        choices=[("", "---------"),
                 (_("buyer side"), [(code, f"{code} {name}") for code, name in BUYER_CANCEL_REASONS.items()]),
                 (_("shop side"), [(code, f"{code} {name}") for code, name in SHOP_CANCEL_REASONS.items()])],
    )


class ShipmentUploadForm(forms.Form):
    account = forms.ModelChoiceField(EcAccount.objects.order_by("name"), label=_("account"))
    file = forms.FileField(label=_("CSV file"), help_text=_("UTF-8 (with or without BOM) or Shift_JIS (Excel)."))
    max_bytes = 20 * 1024 * 1024

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        accounts = list(EcAccount.objects.order_by("name")[:2])
        if len(accounts) == 1:
            self.fields["account"].initial = accounts[0].pk

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.max_bytes:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return upload


def error_lines(form: forms.Form) -> list[str]:
    """A bound form's errors as "field: error" lines, for a message on the page the form sits on."""
    lines = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        lines += [f"{label}: {error}" if label else str(error) for error in errors]
    return lines
