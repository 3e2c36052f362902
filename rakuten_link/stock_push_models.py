"""The stock push's own rows: what waits to be pushed, who may push an account next, and drift reports.

Models of the rakuten_link app (rakuten_link/models.py imports them), kept apart so that module stays short.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import EcAccount


class PendingInventoryPush(models.Model):
    """A SKU whose stock moved and that an account sells: the next event-driven push looks at it.

    A push claims rows (claim = its token) *before* it reads stock and deletes them when it ends. A
    movement arriving meanwhile adds a fresh unclaimed row, so the next push carries it. No unique
    key on purpose: a busy SKU may have several rows, which costs nothing and never conflicts.
    """

    account = models.ForeignKey(EcAccount, on_delete=models.CASCADE, related_name="+")
    sku = models.ForeignKey("inventory.Sku", on_delete=models.CASCADE, related_name="+", db_index=False)
    claim = models.CharField(max_length=32, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["account", "claim"])]

    def __str__(self) -> str:
        return f"{self.account_id}/{self.sku_id} {self.claim or '-'}"


class InventoryPushClaim(models.Model):
    """Per account: which push may send its pending SKUs (claimed_by), until when, and the earliest next start.

    Taken only by one conditional UPDATE (sync/inventory/pending.py), so at most one push per account is
    queued or running; a claim past ``expires_at`` (a lost task, a killed worker) may be taken over.
    ``next_start_at`` keeps the starts of two pushes one pacing interval apart.
    """

    account = models.OneToOneField(EcAccount, on_delete=models.CASCADE, related_name="+")
    claimed_by = models.CharField(max_length=32, blank=True, default="")
    expires_at = models.DateTimeField(null=True, blank=True)
    next_start_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.account_id} claimed={self.claimed_by or '-'} next={self.next_start_at}"


class DriftReport(models.Model):
    """One `rakuten_sync inventory --check`: where Rakuten's stock differs from what we last pushed."""

    account = models.ForeignKey(EcAccount, on_delete=models.CASCADE, related_name="drift_reports",
                                verbose_name=_("account"))
    sync_run = models.ForeignKey("rakuten_link.SyncRun", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+",
                                 verbose_name=_("sync run"))
    created_at = models.DateTimeField(_("checked at"), auto_now_add=True, db_index=True)
    checked = models.PositiveIntegerField(_("mappings checked"), default=0)
    differing = models.PositiveIntegerField(_("differing"), default=0)
    missing = models.PositiveIntegerField(_("missing on Rakuten"), default=0)
    fixed = models.PositiveIntegerField(_("fixed"), default=0)
    # The first rows only (see sync/inventory/drift.py): the report must stay small for 50,000 mappings.
    rows = models.JSONField(_("differences"), default=list, blank=True)

    class Meta:
        verbose_name = _("drift report")
        verbose_name_plural = _("drift reports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.account} {self.created_at:%Y-%m-%d %H:%M} ({self.differing})"
