"""The EC account form: secrets are write-only, every pasted value is normalised or refused."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import EcAccount
from .services import reset_for_new_credentials
from .validators import (
    normalise_credential,
    normalise_invoice_number,
    normalise_shop_url,
)

SECRET_FIELDS = ("service_secret", "license_key", "smtp_password")
CREDENTIAL_FIELDS = ("service_secret", "license_key")


def masked(value: str) -> str:
    """Enough to tell two keys apart, never enough to use one."""
    if not value:
        return ""
    return "••••••" + value[-3:] if len(value) > 8 else "••••••"


class EcAccountForm(forms.ModelForm):
    shop_url = forms.CharField(
        label=_("shop URL"), max_length=255, help_text=_("e.g. https://www.rakuten.co.jp/yourshop/")
    )
    service_secret = forms.CharField(
        label=_("serviceSecret"), required=False, widget=forms.PasswordInput(render_value=False)
    )
    license_key = forms.CharField(label=_("licenseKey"), required=False, widget=forms.PasswordInput(render_value=False))
    smtp_password = forms.CharField(
        label=_("SMTP AUTH password"), required=False, widget=forms.PasswordInput(render_value=False)
    )

    class Meta:
        model = EcAccount
        fields = (
            "name", "stores", "shop_url", "service_secret", "license_key", "smtp_id", "smtp_password",
            "smtp_from_address", "tax_rounding", "job_fetch_orders", "job_push_inventory", "job_report_shipments",
            "auto_confirm_orders", "safety_stock", "alert_email", "invoice_issuer_name",
            "invoice_registration_number", "prohibited_words",
        )
        widgets = {"prohibited_words": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.changed_credentials = False
        for name in SECRET_FIELDS:
            if name not in self.fields:
                continue
            self.initial[name] = ""
            stored = getattr(self.instance, name, "") if self.instance.pk else ""
            if stored:
                hint = _("Set (%(masked)s). Leave blank to keep it.")
                self.fields[name].help_text = hint % {"masked": masked(stored)}
            elif name in CREDENTIAL_FIELDS:
                self.fields[name].help_text = _("Required.")

    def _clean_secret(self, name: str, label: str, *, required: bool) -> str:
        value = self.cleaned_data.get(name, "")
        stored = getattr(self.instance, name, "") if self.instance.pk else ""
        if not (value or "").strip():
            if required and not stored:
                raise forms.ValidationError(_("%(label)s is required.") % {"label": label})
            return stored
        return normalise_credential(value, label=label)

    def clean_service_secret(self) -> str:
        return self._clean_secret("service_secret", "serviceSecret", required=True)

    def clean_license_key(self) -> str:
        return self._clean_secret("license_key", "licenseKey", required=True)

    def clean_smtp_password(self) -> str:
        return self._clean_secret("smtp_password", str(_("SMTP AUTH password")), required=False)

    def clean_smtp_id(self) -> str:
        value = self.cleaned_data.get("smtp_id", "")
        return normalise_credential(value, label=str(_("SMTP AUTH ID"))) if value.strip() else ""

    def clean_invoice_registration_number(self) -> str:
        return normalise_invoice_number(self.cleaned_data.get("invoice_registration_number", ""))

    def clean_shop_url(self) -> str:
        return normalise_shop_url(self.cleaned_data.get("shop_url", ""))

    def save(self, commit: bool = True) -> EcAccount:
        account = super().save(commit=False)
        previous = EcAccount.objects.filter(pk=account.pk).first() if account.pk else None
        self.changed_credentials = previous is None or any(
            getattr(previous, name) != getattr(account, name) for name in CREDENTIAL_FIELDS
        )
        if self.changed_credentials:
            reset_for_new_credentials(account)
        if commit:
            account.save()
            self.save_m2m()
        return account
