"""MappingProposal and RejectedPair: what the mapping assistant proposes, and what staff turned down.

Imported by rakuten_link/models.py, so Django sees these models as the rakuten_link app's. Proposals are
recomputed whole for an account by each matching run (proposals.py, their one writer besides acceptance,
which removes those it turned into mappings). A rejected pair is kept for good: the engine never
proposes it again.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import EcAccount


class Confidence(models.TextChoices):
    HIGH = "high", pgettext_lazy("confidence", "high")
    MEDIUM = "medium", pgettext_lazy("confidence", "medium")
    LOW = "low", pgettext_lazy("confidence", "low")


class Reason(models.TextChoices):
    EXACT_CODE = "exact_code", _("system SKU number = SKU code")
    NORMALISED_CODE = "normalised_code", _("system SKU number = SKU code (normalised)")
    JAN = "jan", _("same JAN")
    ITEM_OPTIONS = "item_options", _("item number + choices = product code + options")
    ITEM_CHILD = "item_child", _("item number + SKU management number = SKU code")
    VARIANT_CODE = "variant_code", _("SKU management number = SKU code")
    NAME_OPTIONS = "name_options", _("product name in the title + same choices")


class Conflict(models.TextChoices):
    AMBIGUOUS = "ambiguous", _("fits several SKUs")
    SHARED = "shared", _("SKU proposed for several variants")
    TAKEN = "taken", _("SKU proposed more surely for another variant")
    MAPPED = "mapped", _("SKU already mapped to another Rakuten SKU")


class MappingProposal(models.Model):
    """One candidate SKU of ours for one unmapped Rakuten variant, with why and how sure."""

    account = models.ForeignKey(EcAccount, on_delete=models.CASCADE, related_name="mapping_proposals",
                                verbose_name=_("account"))
    variant = models.ForeignKey("rakuten_link.CatalogueVariant", on_delete=models.CASCADE,
                                related_name="proposals", verbose_name=_("Rakuten SKU"))
    sku = models.ForeignKey("inventory.Sku", on_delete=models.CASCADE, related_name="mapping_proposals",
                            verbose_name=_("our SKU"))
    confidence = models.CharField(_("match confidence"), max_length=8, choices=Confidence.choices, db_index=True)
    reason = models.CharField(_("match reason"), max_length=20, choices=Reason.choices)
    conflict = models.CharField(_("match conflict"), max_length=10, choices=Conflict.choices, blank=True)
    created_at = models.DateTimeField(_("proposed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("mapping proposal")
        verbose_name_plural = _("mapping proposals")
        ordering = ["account", "variant", "sku"]
        constraints = [models.UniqueConstraint(fields=["variant", "sku"], name="proposal_unique_pair")]
        indexes = [models.Index(fields=["account", "confidence", "conflict"], name="proposal_account_level")]

    def __str__(self) -> str:
        return f"{self.variant_id} → {self.sku_id} ({self.confidence})"


class RejectedPair(models.Model):
    """A proposal staff rejected: that variant is never proposed that SKU again."""

    account = models.ForeignKey(EcAccount, on_delete=models.CASCADE, related_name="rejected_pairs",
                                verbose_name=_("account"))
    variant = models.ForeignKey("rakuten_link.CatalogueVariant", on_delete=models.CASCADE, related_name="+",
                                verbose_name=_("Rakuten SKU"))
    sku = models.ForeignKey("inventory.Sku", on_delete=models.CASCADE, related_name="+", verbose_name=_("our SKU"))
    rejected_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("by"))
    rejected_at = models.DateTimeField(_("rejected at"), auto_now_add=True)

    class Meta:
        verbose_name = _("rejected proposal")
        verbose_name_plural = _("rejected proposals")
        ordering = ["-rejected_at"]
        constraints = [models.UniqueConstraint(fields=["variant", "sku"], name="rejectedpair_unique_pair")]

    def __str__(self) -> str:
        return f"{self.variant_id} ↛ {self.sku_id}"


class MatchingRun(models.Model):
    """When an account's catalogue was last matched: the page asks to match again after a newer pull."""

    account = models.OneToOneField(EcAccount, on_delete=models.CASCADE, related_name="+", verbose_name=_("account"))
    matched_at = models.DateTimeField(_("matched at"))

    class Meta:
        verbose_name = _("matching run")
        verbose_name_plural = _("matching runs")

    def __str__(self) -> str:
        return f"{self.account_id} {self.matched_at:%Y-%m-%d %H:%M}"
