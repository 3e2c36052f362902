"""Rakuten payment methods (settlementMethodCode) → our own PaymentMethod, edited on one page per account.

The codes and names are RMS's table (rms/codes.py). An order that carries only the name (2018/2019 answers)
gets its code from the name when it is parsed, so it maps like any other.
"""

from __future__ import annotations

from django import forms
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import EcAccount
from orders.models import PaymentMethod
from rakuten_link.models import PaymentMethodMapping
from rakuten_link.rms.codes import SETTLEMENT_METHODS

__all__ = ["SETTLEMENT_METHODS", "PaymentMappingForm", "save_payment_mappings", "settlement_label"]


def settlement_label(code: int) -> str:
    return f"{code} {SETTLEMENT_METHODS.get(code, '?')}"


class PaymentMappingForm(forms.Form):
    """One optional choice of our payment method per Rakuten code; blank removes the mapping."""

    def __init__(self, *args, account: EcAccount, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        current = dict(
            PaymentMethodMapping.objects.filter(account=account).values_list("settlement_method_code",
                                                                             "payment_method_id")
        )
        methods = PaymentMethod.objects.order_by("code")
        for code in SETTLEMENT_METHODS:
            self.fields[f"code_{code}"] = forms.ModelChoiceField(
                methods, required=False, label=settlement_label(code), initial=current.get(code),
                empty_label=_("— not mapped —"),
            )

    def choices(self) -> dict[int, PaymentMethod | None]:
        return {code: self.cleaned_data.get(f"code_{code}") for code in SETTLEMENT_METHODS}


@transaction.atomic
def save_payment_mappings(*, account: EcAccount, choices: dict[int, PaymentMethod | None]) -> tuple[int, int]:
    """Store every chosen code and drop the blank ones; returns (saved, removed)."""
    saved = removed = 0
    for code, method in choices.items():
        if method is None:
            removed += PaymentMethodMapping.objects.filter(account=account, settlement_method_code=code).delete()[0]
        else:
            PaymentMethodMapping.objects.update_or_create(
                account=account, settlement_method_code=code, defaults={"payment_method": method}
            )
            saved += 1
    return saved, removed
