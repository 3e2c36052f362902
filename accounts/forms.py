"""The EC account form: secrets are write-only, every pasted value is normalised or refused."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lib.textfields import MultilineField

from .duplicates import account_with_service_secret
from .models import EcAccount
from .secrets import CREDENTIAL_FIELDS, SECRET_FIELDS, is_unreadable, masked
from .services import reset_for_new_credentials, resume_messages
from .validators import (
    INVOICE_NUMBER_INPUT_LENGTH,
    normalise_credential,
    normalise_invoice_number,
    normalise_shop_url,
)

__all__ = ["CREDENTIAL_FIELDS", "SECRET_FIELDS", "EcAccountForm", "masked"]


KEPT_WHEN_BLANK = ("price_markup_percent", "price_rounding")


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
    # Longer than the stored 14 characters: "T7-0000-1205-0002" or full-width input is normalised in clean.
    invoice_registration_number = forms.CharField(
        label=_("qualified invoice registration number"), required=False, max_length=INVOICE_NUMBER_INPUT_LENGTH,
        help_text=_("T + 13 digits; hyphens, spaces and full-width characters are accepted."),
    )

    follow_up_days = forms.IntegerField(
        label=_("follow-up after (days)"), required=False, min_value=1, max_value=365,
        help_text=_("Days after shipping."))

    class Meta:
        model = EcAccount
        fields = (
            "name", "stores", "shop_url", "service_secret", "license_key", "smtp_id", "smtp_password",
            "smtp_from_address", "tax_rounding", "job_fetch_orders", "job_fast_orders",
            "job_push_inventory", "job_report_shipments",
            "auto_confirm_orders", "safety_stock", "alert_email", "shop_zip", "shop_address", "shop_phone",
            "invoice_issuer_name",
            "invoice_registration_number", "prohibited_words", "price_markup_percent", "price_rounding",
            "template_new_order", "template_shipped",
            "template_cancelled", "template_follow_up", "follow_up_days", "hold_messages",
        )
        # LF lines, however the browser sent them: an unchanged save records no change (lib/textfields.py).
        field_classes = {"prohibited_words": MultilineField}
        widgets = {"prohibited_words": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.changed_credentials = False
        for name in KEPT_WHEN_BLANK:
            if name in self.fields:
                self.fields[name].required = False
        for name in SECRET_FIELDS:
            if name not in self.fields:
                continue
            self.initial[name] = ""
            stored = getattr(self.instance, name, "") if self.instance.pk else ""
            if is_unreadable(stored):
                self.fields[name].help_text = _(
                    "The stored value cannot be decrypted with the current FIELD_ENCRYPTION_KEY. Restore the "
                    "previous key, or type the value again. Left blank, the stored value is kept unchanged."
                )
            elif stored:
                hint = _("Set (%(masked)s). Leave blank to keep it.")
                self.fields[name].help_text = hint % {"masked": masked(stored)}
            elif name in CREDENTIAL_FIELDS:
                self.fields[name].help_text = _("Required.")

    def full_clean(self) -> None:
        super().full_clean()
        if self.is_bound and self.errors:
            self._note_secrets_to_type_again()

    def _note_secrets_to_type_again(self) -> None:
        """A secret field is never filled back in (render_value=False): after an error, what was typed is gone.

        Said next to each field that had a value typed, so staff don't save without it unnoticed.
        """
        note = _("For safety, secrets are not shown again after an error: type this value again before saving.")
        for name in SECRET_FIELDS:
            if name in self.fields and (self.data.get(self.add_prefix(name)) or "").strip():
                self.fields[name].help_text = note

    def _clean_secret(self, name: str, label: str, *, required: bool):
        """A blank field keeps what is stored, even a value the current key cannot decrypt (kept as is)."""
        value = self.cleaned_data.get(name, "")
        stored = getattr(self.instance, name, "") if self.instance.pk else ""
        if not (value or "").strip():
            if required and not stored:
                raise forms.ValidationError(_("%(label)s is required.") % {"label": label})
            return stored
        return normalise_credential(value, label=label)

    def clean_service_secret(self):
        return self._clean_secret("service_secret", "serviceSecret", required=True)

    def clean_license_key(self):
        return self._clean_secret("license_key", "licenseKey", required=True)

    def clean_smtp_password(self):
        return self._clean_secret("smtp_password", str(_("SMTP AUTH password")), required=False)

    def clean_smtp_id(self) -> str:
        value = self.cleaned_data.get("smtp_id", "")
        return normalise_credential(value, label=str(_("SMTP AUTH ID"))) if value.strip() else ""

    def clean_follow_up_days(self) -> int:
        """Blank keeps the default (a form or script that does not show the field leaves it unchanged)."""
        value = self.cleaned_data.get("follow_up_days")
        if value is None:
            return self.instance.follow_up_days if self.instance.pk else EcAccount._meta.get_field(
                "follow_up_days").default
        return value

    def clean_price_markup_percent(self):
        return self._kept_when_blank("price_markup_percent")

    def clean_price_rounding(self) -> str:
        return self._kept_when_blank("price_rounding")

    def _kept_when_blank(self, name: str):
        """Blank keeps the stored value (a new account's is the default): a form or script that does not show
        the field leaves it unchanged."""
        value = self.cleaned_data.get(name)
        return getattr(self.instance, name) if value in (None, "") else value

    def clean_invoice_registration_number(self) -> str:
        return normalise_invoice_number(self.cleaned_data.get("invoice_registration_number", ""))

    def clean_shop_url(self) -> str:
        return normalise_shop_url(self.cleaned_data.get("shop_url", ""))

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        self._refuse_a_second_account_for_the_shop(cleaned)
        return cleaned

    def _refuse_a_second_account_for_the_shop(self, cleaned: dict[str, Any]) -> None:
        """One shop, one account: a second one would import every order twice.

        The shop URL is checked by the model (EcAccount.clean and the shop key's UNIQUE constraint). The
        serviceSecret is checked here, for a new account and when one is typed: it is encrypted with a random
        IV, so no constraint can compare it.
        """
        exclude = self.instance.pk
        secret = cleaned.get("service_secret")
        if secret and (exclude is None or (self.data.get(self.add_prefix("service_secret")) or "").strip()):
            existing = account_with_service_secret(secret, exclude_pk=exclude)
            if existing is not None:
                self.add_error("service_secret", _(
                    "This serviceSecret is already used by the EC account %(name)s, so it is the same shop. "
                    "One shop can have only one account: edit %(name)s instead."
                ) % {"name": existing.name})

    def _smtp_login_typed(self, previous: EcAccount, account: EcAccount) -> bool:
        """The SMTP AUTH ID changed, or a password was typed (even the same one: the relay may be fixed)."""
        typed = (self.data.get(self.add_prefix("smtp_password")) or "").strip()
        return bool(typed) or previous.smtp_id != account.smtp_id

    def save(self, commit: bool = True) -> EcAccount:
        account = super().save(commit=False)
        previous = EcAccount.objects.filter(pk=account.pk).first() if account.pk else None
        self.changed_credentials = previous is None or any(
            getattr(previous, name) != getattr(account, name) for name in CREDENTIAL_FIELDS
        )
        if self.changed_credentials:
            reset_for_new_credentials(account)
        if previous is None or self._smtp_login_typed(previous, account):
            resume_messages(account)  # a paused relay login is tried again with what was typed
        if commit:
            account.save()
            self.save_m2m()
        return account
