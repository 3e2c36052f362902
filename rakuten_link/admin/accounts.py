"""The EC account page with the Rakuten side added: the RMS check on save and a re-check action."""

from __future__ import annotations

from django.contrib import admin, messages
from django.urls import path
from django.utils.safestring import mark_safe
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.admin import EcAccountAdmin
from accounts.models import AccountStatus, EcAccount
from accounts.services import pause_jobs, resume_jobs
from lib.audit import record_action, record_actions
from rakuten_link.admin import catalogue
from rakuten_link.sync.account_check import check_account
from rakuten_link.sync.orders.refresh import refresh_status

admin.site.unregister(EcAccount)


@admin.register(EcAccount)
class RakutenEcAccountAdmin(EcAccountAdmin):
    """The account page, plus the RMS check when credentials change and a re-check action."""

    actions = ["recheck_accounts", "pause_account_jobs", "resume_account_jobs"]

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), "open_orders_refresh", "catalogue_pull",
                "rms_functions")

    def get_fieldsets(self, request, obj=None):
        """The refresh state goes with the automatic jobs (the fieldset holding job_fetch_orders); the catalogue
        panel comes last."""
        if obj is None:
            return super().get_fieldsets(request, obj)  # a new account has no orders yet
        fieldsets = [(name, {**options, "fields": tuple(options.get("fields", ()))})
                     for name, options in super().get_fieldsets(request, obj)]
        for _name, options in fieldsets:
            if "job_fetch_orders" in options["fields"]:
                options["fields"] = (*options["fields"], "open_orders_refresh")
                break
        else:
            fieldsets.append((gettext_lazy("Open orders"), {"fields": ("open_orders_refresh",)}))
        return [*fieldsets, (gettext_lazy("RMS API functions"), {"fields": ("rms_functions",)}),
                (gettext_lazy("Rakuten catalogue"), {"fields": ("catalogue_pull",)})]

    def get_urls(self):
        view = self.admin_site.admin_view
        own = [
            path("<int:object_id>/pull-catalogue/", view(self.pull_catalogue_view),
                 name="accounts_ecaccount_pull_catalogue"),
            path("<int:object_id>/catalogue-status/", view(self.catalogue_status_view),
                 name="accounts_ecaccount_catalogue_status"),
        ]
        return own + super().get_urls()

    @admin.display(description=gettext_lazy("catalogue"))
    def catalogue_pull(self, obj: EcAccount) -> str:
        return mark_safe(catalogue.panel(obj)) if obj is not None and obj.pk else "—"  # noqa: S308 (our template)

    @admin.display(description=gettext_lazy("functions (✓ enabled / ✗ not enabled)"))
    def rms_functions(self, obj: EcAccount) -> str:
        return mark_safe(catalogue.functions_panel(obj)) if obj is not None and obj.pk else "—"  # noqa: S308

    def pull_catalogue_view(self, request, object_id: int):
        return catalogue.pull_view(self, request, object_id)

    def catalogue_status_view(self, request, object_id: int):
        return catalogue.status_view(self, request, object_id)

    @admin.display(description=gettext_lazy("refresh of open orders"))
    def open_orders_refresh(self, obj: EcAccount) -> str:
        """How many orders the open-orders job keeps refreshing, and since when its current pass over them runs
        (every open order was read back from RMS at most that long before the pass's start)."""
        if obj is None or obj.pk is None:
            return "—"
        status = refresh_status(obj)
        if not status.open:
            return _("No open orders.")
        if status.pass_started is None:
            return _("Open orders: %(n)d; not refreshed yet") % {"n": status.open}
        return _("Open orders: %(n)d; re-read in turn, the current pass began %(age)s ago") % {
            "n": status.open, "age": timesince(status.pass_started, depth=1)}

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
