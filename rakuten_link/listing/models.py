"""ListingTemplate and Listing: how a product of ours is listed on one Rakuten account.

Imported by rakuten_link/models.py, so Django sees these models as the rakuten_link app's.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import EcAccount
from lib.modelfields import concrete_field

from .markup import problem_message, script_problems
from .templates import unknown_placeholders_error

DEFAULT_TEMPLATE_NAME = "標準"
DEFAULT_DESCRIPTION = "{SKU表}"
PATTERN_FIELDS = ("title_pattern", "tagline_pattern", "pc_description", "sp_description", "sales_description",
                  "images")
HTML_FIELDS = ("pc_description", "sp_description", "sales_description")


class ListingTemplate(models.Model):
    """What an account's item pages look like, and how our SKUs become Rakuten variants."""

    account = models.ForeignKey(EcAccount, on_delete=models.CASCADE, related_name="listing_templates",
                                verbose_name=_("account"))
    name = models.CharField(_("name"), max_length=100)
    title_pattern = models.CharField(_("title"), max_length=500, default="{商品名}")
    tagline_pattern = models.CharField(_("tagline"), max_length=500, blank=True)
    pc_description = models.TextField(_("PC description (HTML)"), blank=True, default=DEFAULT_DESCRIPTION)
    sp_description = models.TextField(_("smartphone description (HTML)"), blank=True, default=DEFAULT_DESCRIPTION)
    sales_description = models.TextField(_("sales description (HTML)"), blank=True)
    images = models.TextField(_("images"), blank=True,
                              help_text=_("One R-Cabinet image path per line, e.g. /img/{商品コード}.jpg."))
    # Wider than the 6 digits Rakuten takes, so a wrong value reaches the pre-flight and its clear message.
    genre_id = models.CharField(_("genre ID"), max_length=20, blank=True,
                                help_text=_("Rakuten's 6-digit genre ID."))
    tax_included = models.BooleanField(_("price includes tax"), default=True)
    tax_rate = models.DecimalField(_("tax rate"), max_digits=4, decimal_places=3, default=Decimal("0.10"),
                                   help_text=_("0.10 = 10%, 0.08 = 8%."))
    postage_included = models.BooleanField(_("postage included"), default=False)
    cod_fee_included = models.BooleanField(_("cash-on-delivery fee included"), default=False)
    # [{"option": Sku.options key, "display_name": selector name on Rakuten}, …] (≤ 6); empty = every key
    # of the product's Sku.options, under its own name.
    variant_mapping = models.JSONField(
        _("variant selectors"), default=list, blank=True,
        help_text=_('Empty = the SKU options as they are. Else e.g. [{"option": "サイズ", "display_name": "サイズ"}].'),
    )
    hide_on_create = models.BooleanField(_("hidden when first listed"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("listing template")
        verbose_name_plural = _("listing templates")
        ordering = ["account", "name"]
        constraints = [models.UniqueConstraint(fields=["account", "name"], name="listingtemplate_unique_name")]

    def __str__(self) -> str:
        return f"{self.account} / {self.name}"

    def clean(self) -> None:
        errors = {f: [unknown_placeholders_error(getattr(self, f))] for f in PATTERN_FIELDS}
        for f in HTML_FIELDS:  # the pre-flight check finds these too; here staff hear it as they save
            label = str(concrete_field(self, f).verbose_name)
            errors[f] += [problem_message(label, problem) for problem in script_problems(getattr(self, f))]
        errors = {f: [m for m in messages if m] for f, messages in errors.items() if any(messages)}
        mapping_error = _mapping_error(self.variant_mapping)
        if mapping_error:
            errors["variant_mapping"] = [mapping_error]
        if errors:
            raise ValidationError(errors)

    def selector_mapping(self) -> list[tuple[str, str]]:
        """(Sku.options key, display name) pairs chosen by the template; [] = derive from the SKUs."""
        rows = self.variant_mapping or []
        return [(str(row["option"]), str(row.get("display_name") or row["option"])) for row in rows]


def _mapping_error(value: object) -> str | None:
    rows_ok = isinstance(value, list) and all(
        isinstance(row, dict) and isinstance(row.get("option"), str) and row["option"].strip()
        and isinstance(row.get("display_name", ""), str)
        for row in value
    )
    if not rows_ok:
        return str(_('Write a list of {"option": …, "display_name": …} objects, or leave it empty.'))
    return None


class ListingStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    BLOCKED = "blocked", _("Blocked")
    SENDING = "sending", _("Sending")
    LISTED = "listed", _("Listed")
    ERROR = "error", _("Error")


class Listing(models.Model):
    """One product of ours on one account: what was checked, what was sent, what RMS answered.

    Status is written by rakuten_link/listing/sending.py (check_listing / send_listing) only.
    """

    account = models.ForeignKey(EcAccount, on_delete=models.CASCADE, related_name="listings",
                                verbose_name=_("account"))
    product = models.ForeignKey("inventory.Product", on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("product"))
    template = models.ForeignKey(ListingTemplate, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="listings", verbose_name=_("template"),
                                 help_text=_("Blank = the account's template 標準."))
    manage_number = models.CharField(_("item management number"), max_length=64, blank=True,
                                     help_text=_("Blank = our product code in lower case."))
    item_number = models.CharField(_("item number"), max_length=64, blank=True,
                                   help_text=_("Blank = the item management number."))
    title = models.CharField(_("title (this listing only)"), max_length=500, blank=True,
                             help_text=_("Blank = the template's title."))
    tagline = models.CharField(_("tagline (this listing only)"), max_length=500, blank=True,
                               help_text=_("Blank = the template's tagline."))
    withdrawn = models.BooleanField(_("withdrawn (hidden on Rakuten)"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=ListingStatus.choices,
                              default=ListingStatus.DRAFT, db_index=True)
    findings = models.JSONField(_("findings"), default=list, blank=True)
    errors = models.JSONField(_("last errors per field"), default=dict, blank=True)
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    listed_at = models.DateTimeField(_("listed at"), null=True, blank=True)
    sent_json = models.JSONField(_("item sent"), null=True, blank=True)
    # The price on Rakuten as RMS last accepted it (a full send or a price push), and RMS's last answer to a
    # price push (listing/prices.py).
    price_sent = models.IntegerField(_("price on Rakuten"), null=True, blank=True)
    price_sent_at = models.DateTimeField(_("price sent at"), null=True, blank=True)
    price_error = models.CharField(_("price push error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("listing")
        verbose_name_plural = _("listings")
        ordering = ["account", "manage_number"]
        constraints = [
            models.UniqueConstraint(fields=["account", "product"], name="listing_unique_product"),
            models.UniqueConstraint(fields=["account", "manage_number"], name="listing_unique_manage_number"),
        ]

    def __str__(self) -> str:
        return f"{self.account} / {self.manage_number or self.product.code}"

    def save(self, *args, **kwargs) -> None:
        if not self.manage_number:
            self.manage_number = self.product.code.lower()
        super().save(*args, **kwargs)

    def clean(self) -> None:
        errors = {f: unknown_placeholders_error(getattr(self, f)) for f in ("title", "tagline")}
        errors = {f: message for f, message in errors.items() if message}
        if self.template is not None and self.account_id and self.template.account_id != self.account_id:
            errors["template"] = str(_("This template belongs to another account. Choose one of this account's."))
        if errors:
            raise ValidationError(errors)
