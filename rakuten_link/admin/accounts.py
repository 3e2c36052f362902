"""The EC account page with the Rakuten side added: the RMS check on save and a re-check action."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.admin import EcAccountAdmin
from accounts.models import AccountStatus, EcAccount
from accounts.services import pause_jobs, resume_jobs
from lib.audit import record_action, record_actions
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

    actions = ["recheck_accounts", "pause_account_jobs", "resume_account_jobs"]
    inlines = [MailTemplateInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if getattr(form, "changed_credentials", False):
            self._report_check(request, obj)

    @admin.action(description=gettext_lazy("Check selected accounts against RMS"), permissions=["change"])
    def recheck_accounts(self, request, queryset):
        for account in queryset:
            self._report_check(request, account)

    @admin.action(description=gettext_lazy("Pause the automatic jobs of the selected accounts"),
                  permissions=["change"])
    def pause_account_jobs(self, request, queryset):
        reason = _("Jobs paused by %(user)s.") % {"user": request.user.get_username()}
        for account in queryset:
            pause_jobs(account, reason)
        record_actions(request.user, queryset, _("Paused the automatic jobs."))
        self.message_user(request, _("Jobs paused for %(n)d account(s).") % {"n": len(queryset)}, messages.SUCCESS)

    @admin.action(description=gettext_lazy("Resume the automatic jobs of the selected accounts"),
                  permissions=["change"])
    def resume_account_jobs(self, request, queryset):
        for account in queryset:
            resume_jobs(account)
        record_actions(request.user, queryset, _("Resumed the automatic jobs."))
        self.message_user(request, _("Jobs resumed for %(n)d account(s).") % {"n": len(queryset)}, messages.SUCCESS)

    def _report_check(self, request, account: EcAccount) -> None:
        outcome = check_account(account)
        if not outcome.reachable:
            text, level = f"{account.name}: {outcome.reason}", messages.WARNING
        elif outcome.status == AccountStatus.VALID:
            text = _("%(name)s: RMS accepted the credentials (valid).") % {"name": account.name}
            text, level = f"{text} {outcome.reason}".strip(), messages.SUCCESS
        else:
            text = _("%(name)s: invalid — %(reason)s") % {"name": account.name, "reason": outcome.reason}
            level = messages.ERROR
        record_action(request.user, account, _("Checked against RMS: %(result)s") % {"result": text})
        self.message_user(request, text, level)
