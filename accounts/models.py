"""EC accounts: one Rakuten shop, its credentials (encrypted), the stores it sells from and its settings."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from inventory.models import Store

from .secrets import SecretField
from .shop_keys import shop_key
from .validators import parse_prohibited_words, validate_invoice_number


class AccountStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    INVALID = "invalid", _("Invalid")
    UNCHECKED = "unchecked", _("Unchecked")


class TaxRounding(models.TextChoices):
    FLOOR = "floor", _("Round down")
    CEIL = "ceil", _("Round up")
    HALF_UP = "round", _("Round half up")


LICENSE_VALIDITY_DAYS = 90
LICENSE_WARNING_DAYS = 7


class EcAccount(models.Model):
    """A Rakuten Ichiba shop we sync with. Secrets are Fernet-encrypted and never rendered back.

    A secret the key in force cannot decrypt loads as ``accounts.secrets.UnreadableSecret``.
    """

    name = models.CharField(_("account name"), max_length=100, unique=True)
    stores = models.ManyToManyField(Store, related_name="ec_accounts", verbose_name=_("stores"), blank=True)
    shop_url = models.URLField(_("shop URL"), max_length=255)
    # One shop, one account (accounts/shop_keys.py): derived from shop_url on every save, never typed.
    shop_key = models.CharField(_("shop key"), max_length=255, unique=True, null=True, editable=False)

    service_secret = SecretField(_("serviceSecret"), max_length=255)
    license_key = SecretField(_("licenseKey"), max_length=255)
    smtp_id = models.CharField(_("SMTP AUTH ID"), max_length=255, blank=True)
    smtp_password = SecretField(_("SMTP AUTH password"), max_length=255, blank=True)
    smtp_from_address = models.EmailField(
        _("sender address"), blank=True, help_text=_("An address registered in RMS; others are refused by the relay.")
    )

    tax_rounding = models.CharField(
        _("consumption tax rounding"), max_length=8, choices=TaxRounding.choices, default=TaxRounding.FLOOR
    )
    job_fetch_orders = models.BooleanField(_("fetch orders automatically"), default=True)
    job_fast_orders = models.BooleanField(
        _("fast order fetch"), default=False,
        help_text=_("Fetch orders every RAKUTEN_ORDER_POLL_SECONDS instead of every minute. Needs the order "
                    "poller process (manage.py rakuten_poll) running beside the workers."))
    job_push_inventory = models.BooleanField(_("update inventory automatically"), default=True)
    job_report_shipments = models.BooleanField(_("report shipped status automatically"), default=True)
    auto_confirm_orders = models.BooleanField(_("confirm new orders automatically"), default=False)
    safety_stock = models.PositiveIntegerField(
        _("safety stock"), default=0, help_text=_("Kept back from Rakuten for every mapped SKU.")
    )
    alert_email = models.EmailField(_("alert e-mail address"), blank=True)
    invoice_issuer_name = models.CharField(_("qualified invoice issuer name"), max_length=255, blank=True)
    # Printed under the shop's name on the delivery slip (納品書), so a buyer can reach the shop.
    shop_zip = models.CharField(_("shop postcode"), max_length=8, blank=True)
    shop_address = models.CharField(_("shop address"), max_length=255, blank=True)
    shop_phone = models.CharField(_("shop phone number"), max_length=20, blank=True)
    invoice_registration_number = models.CharField(
        _("qualified invoice registration number"), max_length=14, blank=True, help_text=_("T + 13 digits"),
        validators=[validate_invoice_number],
    )
    prohibited_words = models.TextField(
        _("prohibited listing words"), blank=True, help_text=_("One word per line.")
    )
    price_markup_percent = models.DecimalField(
        _("Rakuten price markup (%)"), max_digits=5, decimal_places=1, default=0,
        validators=[MinValueValidator(0), MaxValueValidator(500)],
        help_text=_("Added to our price on Rakuten; 0 = the same price. Price changes are pushed within a minute."))
    price_rounding = models.CharField(
        _("Rakuten price rounding"), max_length=8, choices=TaxRounding.choices, default=TaxRounding.FLOOR)

    status = models.CharField(
        _("status"), max_length=16, choices=AccountStatus.choices, default=AccountStatus.UNCHECKED
    )
    status_reason = models.CharField(_("status reason"), max_length=500, blank=True)
    status_checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    license_expires_at = models.DateTimeField(_("licenseKey expires at"), null=True, blank=True)
    credentials_changed_at = models.DateTimeField(_("credentials changed at"), null=True, blank=True)
    jobs_paused = models.BooleanField(
        _("jobs paused"), default=False, help_text=_("Set after an authentication failure until credentials are saved.")
    )
    template_new_order = models.ForeignKey(
        "orders.MailTemplate", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("order received message"), help_text=_("Blank: no message is sent."))
    template_shipped = models.ForeignKey(
        "orders.MailTemplate", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("shipped message"), help_text=_("Blank: no message is sent."))
    template_cancelled = models.ForeignKey(
        "orders.MailTemplate", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("cancellation message"), help_text=_("Blank: no message is sent."))
    template_follow_up = models.ForeignKey(
        "orders.MailTemplate", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("follow-up message"), help_text=_("Blank: no message is sent."))
    follow_up_days = models.PositiveSmallIntegerField(
        _("follow-up after (days)"), default=7, help_text=_("Days after shipping."))
    hold_messages = models.BooleanField(
        _("hold messages for approval"), default=False,
        help_text=_("New buyer messages wait for a person to approve them before they are sent."))
    messages_paused = models.BooleanField(
        _("buyer messages paused"), default=False,
        help_text=_("Set when the relay refuses the SMTP AUTH password, until it is saved again."))
    license_reminders_sent = models.JSONField(_("license reminders sent"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("EC account")
        verbose_name_plural = _("EC accounts")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        """The shop key follows the shop URL; the UNIQUE constraint refuses a second account for the shop."""
        self.shop_key = shop_key(self.shop_url)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "shop_url" in update_fields:
            kwargs["update_fields"] = {*update_fields, "shop_key"}
        super().save(*args, **kwargs)

    def clean(self) -> None:
        """Refuse a second account for the shop, naming the one already there (the constraint would not)."""
        super().clean()
        self.shop_key = shop_key(self.shop_url)
        other = EcAccount.objects.filter(shop_key=self.shop_key).exclude(pk=self.pk).first() \
            if self.shop_key else None
        if other is not None:
            raise ValidationError({"shop_url": ValidationError(gettext(
                "The EC account %(name)s is already registered for this shop. One shop can have only one "
                "account: edit %(name)s instead."
            ) % {"name": other.name}, code="duplicate_shop")})

    def validate_unique(self, exclude=None) -> None:
        """The shop key's uniqueness is said by clean(), with the account's name, not by Django's generic text."""
        super().validate_unique(exclude={*(exclude or ()), "shop_key"})

    @property
    def prohibited_word_list(self) -> list[str]:
        return parse_prohibited_words(self.prohibited_words)

    @property
    def license_days_left(self) -> int | None:
        if self.license_expires_at is None:
            return None
        return (self.license_expires_at - timezone.now()).days

    @property
    def license_expiring_soon(self) -> bool:
        days = self.license_days_left
        return days is not None and days < LICENSE_WARNING_DAYS

    def estimated_license_expiry(self):
        """Before RMS tells us the date, 90 days from the last credentials change is the best guess."""
        if self.credentials_changed_at is None:
            return None
        return self.credentials_changed_at + timedelta(days=LICENSE_VALIDITY_DAYS)
