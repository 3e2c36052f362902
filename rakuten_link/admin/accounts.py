"""The EC account page with the Rakuten side added: the RMS check on save and a re-check action."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.admin import EcAccountAdmin
from accounts.models import AccountStatus, EcAccount
from orders.models import MailTemplate
from rakuten_link.sync.account_check import check_account


class MailTemplateInline(admin.StackedInline):
    model = MailTemplate
    extra = 0
    fields = ("event", "subject", "body", "active")


admin.site.unregister(EcAccount)


@admin.register(EcAccount)
class RakutenEcAccountAdmin(EcAccountAdmin):
    """The account page, plus the RMS check when credentials change and a re-check action."""

    actions = ["recheck_accounts"]
    inlines = [MailTemplateInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if getattr(form, "changed_credentials", False):
            self._report_check(request, obj)

    @admin.action(description=gettext_lazy("Check selected accounts against RMS"))
    def recheck_accounts(self, request, queryset):
        for account in queryset:
            self._report_check(request, account)

    def _report_check(self, request, account: EcAccount) -> None:
        outcome = check_account(account)
        if not outcome.reachable:
            self.message_user(request, f"{account.name}: {outcome.reason}", messages.WARNING)
        elif outcome.status == AccountStatus.VALID:
            text = _("%(name)s: RMS accepted the credentials (valid).") % {"name": account.name}
            self.message_user(request, f"{text} {outcome.reason}".strip(), messages.SUCCESS)
        else:
            self.message_user(
                request, _("%(name)s: invalid — %(reason)s") % {"name": account.name, "reason": outcome.reason},
                messages.ERROR,
            )
