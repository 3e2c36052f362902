"""CatalogueItem and CatalogueVariant: the shop's Rakuten catalogue as the `catalogue` job last read it.

Imported by rakuten_link/models.py, so Django sees these models as the rakuten_link app's. One writer: the
catalogue job (sync/catalogue/). Rows are never deleted when RMS drops an item or a variant: ``gone_at`` is
set instead, so mappings and proposals that point at them keep their history.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import EcAccount


class CatalogueItem(models.Model):
    """One Rakuten item (商品管理番号) of one account."""

    account = models.ForeignKey(EcAccount, on_delete=models.CASCADE, related_name="catalogue_items",
                                verbose_name=_("account"))
    manage_number = models.CharField(_("item management number"), max_length=32)
    item_number = models.CharField(_("item number"), max_length=64, blank=True)
    title = models.CharField(_("title"), max_length=255, blank=True)
    hidden = models.BooleanField(_("hidden"), default=False)
    genre_id = models.CharField(_("genre ID"), max_length=16, blank=True)
    # The item's standard price when one exists (the first variant's standardPrice).
    price = models.IntegerField(_("price"), null=True, blank=True)
    rms_updated_at = models.DateTimeField(_("updated on Rakuten"), null=True, blank=True)
    gone_at = models.DateTimeField(_("gone from Rakuten at"), null=True, blank=True)
    pulled_at = models.DateTimeField(_("pulled at"))
    # Digest of the stored fields of the item and its variants (sync/catalogue/rows.py): a re-pull that
    # finds the same digest leaves the rows as they are. "" (never equal to a digest) forces a comparison.
    digest = models.CharField(max_length=16, blank=True, default="", editable=False)

    class Meta:
        verbose_name = _("Rakuten catalogue item")
        verbose_name_plural = _("Rakuten catalogue items")
        ordering = ["account", "manage_number"]
        constraints = [
            models.UniqueConstraint(fields=["account", "manage_number"], name="catalogueitem_unique_manage_number"),
        ]

    def __str__(self) -> str:
        return self.manage_number


class CatalogueVariant(models.Model):
    """One Rakuten variant (SKU管理番号), or one 横軸/縦軸 choice of a pre-SKU item (``pre_sku``)."""

    # No index of its own: the unique (item, variant_id) leads with it, and every index is one more write for
    # each of the 20,000 rows a first pull inserts. (The account's index stays: the stock phase walks an
    # account's variants in id order, which its entries give without sorting.)
    item = models.ForeignKey(CatalogueItem, on_delete=models.CASCADE, related_name="variants",
                             verbose_name=_("item"), db_index=False)
    account = models.ForeignKey(EcAccount, on_delete=models.CASCADE, related_name="catalogue_variants",
                                verbose_name=_("account"))
    # RMS's variantId; for a pre-SKU choice a stable id built from its 横軸/縦軸 choices (rms/parse_items.py).
    variant_id = models.CharField(_("SKU management number"), max_length=255)
    merchant_sku_id = models.CharField(_("system SKU number"), max_length=96, blank=True)
    # {selector display name: value}
    selectors = models.JSONField(_("choices"), default=dict, blank=True)
    jan = models.CharField(_("JAN"), max_length=32, blank=True)
    article_number = models.CharField(_("article number"), max_length=64, blank=True)
    quantity = models.IntegerField(_("quantity on Rakuten"), null=True, blank=True)
    pre_sku = models.BooleanField(_("pre-SKU choice"), default=False)
    gone_at = models.DateTimeField(_("gone from Rakuten at"), null=True, blank=True)
    pulled_at = models.DateTimeField(_("pulled at"))

    class Meta:
        verbose_name = _("Rakuten catalogue variant")
        verbose_name_plural = _("Rakuten catalogue variants")
        ordering = ["item", "variant_id"]
        constraints = [
            models.UniqueConstraint(fields=["item", "variant_id"], name="cataloguevariant_unique_variant"),
        ]
        indexes = [
            models.Index(fields=["account", "merchant_sku_id"], name="cataloguevariant_msku"),
            models.Index(fields=["account", "jan"], name="cataloguevariant_jan"),
        ]

    def __str__(self) -> str:
        return f"{self.item_id}/{self.variant_id}"


class CataloguePull(models.Model):
    """Where an account's catalogue pull stands: the cursor to resume from, and when the last one finished.

    ``started_at`` is set while a pull is under way (rows pulled before it were not seen by this pull);
    ``cursor_mark`` and ``fresh_pending`` survive a failure, so the next run resumes where it stopped.
    """

    account = models.OneToOneField(EcAccount, on_delete=models.CASCADE, related_name="+")
    started_at = models.DateTimeField(null=True, blank=True)
    phase = models.CharField(max_length=10, blank=True)  # "", "items", "stock"
    cursor_mark = models.CharField(max_length=500, blank=True)
    fresh_pending = models.JSONField(default=list, blank=True)  # manageNumbers still to read with bulk-get
    stock_after_id = models.BigIntegerField(default=0)  # the stock phase's position (variant id)
    found = models.PositiveIntegerField(default=0)  # numFound of the search
    done = models.PositiveIntegerField(default=0)  # items stored by this pull
    last_started_at = models.DateTimeField(null=True, blank=True)  # start of the last complete pull
    last_finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.account_id} {self.phase or 'idle'} {self.done}/{self.found}"
