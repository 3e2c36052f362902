"""ApiFunctionCheck: whether RMS let one account call one API function when it was last tried.

Imported by rakuten_link/models.py, so Django sees it as the rakuten_link app's model. One writer:
rakuten_link/functions/records.py.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import EcAccount


class ApiFunctionCheck(models.Model):
    account = models.ForeignKey(EcAccount, on_delete=models.CASCADE, related_name="function_checks",
                                verbose_name=_("account"))
    function = models.CharField(_("function"), max_length=60)
    # True: RMS answered (even with a validation error); False: refused as not enabled; None: not known.
    enabled = models.BooleanField(_("enabled"), null=True)
    error_code = models.CharField(_("RMS error code"), max_length=80, blank=True)
    source = models.CharField(_("seen by"), max_length=20, blank=True)  # "check" or the job kind
    checked_at = models.DateTimeField(_("checked at"))

    class Meta:
        verbose_name = _("RMS API function")
        verbose_name_plural = _("RMS API functions")
        constraints = [models.UniqueConstraint(fields=["account", "function"], name="functioncheck_one_per_function")]

    def __str__(self) -> str:
        return f"{self.account_id} {self.function} {self.enabled}"
