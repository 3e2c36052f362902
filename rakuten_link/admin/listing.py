"""Listing on Rakuten in the admin: templates, listings with their findings and preview, and the actions.

The listing page shows the pre-flight findings with each prohibited word marked in its context, and the
rendered item page for PC and smartphone in sandboxed frames (no script of a description runs here).
Actions check, send, hide and export normal-item.csv; the product list gains "create Rakuten listings",
by replacing inventory's ProductAdmin registration with a subclass (inventory knows nothing of Rakuten).
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.http import HttpResponse
from django.utils import timezone
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import EcAccount
from accounts.secrets import SecretUnreadable
from inventory.admin import ProductAdmin
from inventory.models import Product
from lib.audit import record_action, record_actions
from rakuten_link.listing.csv_export import ItemCsvError, item_csv_bytes
from rakuten_link.listing.draft import build_draft
from rakuten_link.listing.lookup import listing_for
from rakuten_link.listing.preflight import FIELD_LABELS
from rakuten_link.listing.sending import check_listing, send_listing, withdraw_listing
from rakuten_link.models import Listing, ListingTemplate
from rakuten_link.sync.clients import client_for


@admin.register(ListingTemplate)
class ListingTemplateAdmin(admin.ModelAdmin):
    list_display = ("name", "account", "genre_id", "hide_on_create", "updated_at")
    list_filter = ("account",)
    search_fields = ("name",)
    fieldsets = (
        (None, {"fields": ("account", "name", "hide_on_create")}),
        (gettext_lazy("Item page"), {
            "fields": ("title_pattern", "tagline_pattern", "pc_description", "sp_description", "sales_description",
                       "images"),
            "description": gettext_lazy("Placeholders: {商品名} {商品コード} {SKU表} {SKU一覧} {価格}."),
        }),
        (gettext_lazy("Rakuten settings"), {
            "fields": ("genre_id", "tax_included", "tax_rate", "postage_included", "cod_fee_included",
                       "variant_mapping"),
        }),
    )


@admin.register(Listing)
class ListingAdmin(admin.ModelAdmin):
    list_display = ("product", "account", "manage_number", "status", "checked_at", "listed_at")
    list_filter = ("status", "account")
    list_select_related = ("product", "account")
    search_fields = ("manage_number", "product__code", "product__name")
    autocomplete_fields = ("product",)
    readonly_fields = ("status", "findings_shown", "errors_shown", "preview_pc", "preview_sp", "checked_at",
                       "listed_at", "sent_json", "price_sent", "price_sent_at", "price_error")
    fieldsets = (
        (None, {"fields": ("account", "product", "template", "manage_number", "item_number", "title", "tagline",
                           "withdrawn")}),
        (gettext_lazy("Check"), {"fields": ("status", "findings_shown", "errors_shown", "checked_at", "listed_at",
                                            "price_sent", "price_sent_at", "price_error")}),
        (gettext_lazy("Preview"), {"fields": ("preview_pc", "preview_sp")}),
        (gettext_lazy("Sent to Rakuten"), {"fields": ("sent_json",), "classes": ("collapse",)}),
    )
    actions = ("check_selected", "send_selected", "hide_selected", "export_csv")

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        findings = check_listing(obj)  # on every save: a finding blocks the listing at once
        if findings:
            self.message_user(request, _("%(n)d findings block this listing: see below.") % {"n": len(findings)},
                              messages.WARNING)

    @admin.display(description=gettext_lazy("findings"))
    def findings_shown(self, obj: Listing) -> str:
        if not obj.pk:
            return "—"
        if not obj.findings:
            return _("No finding.")
        rows = ((FIELD_LABELS.get(f["field"], f["field"]), f["message"], _context(f)) for f in obj.findings)
        return format_html('<ul class="listing-findings">{}</ul>',
                           format_html_join("", "<li><strong>{}</strong>: {} {}</li>", rows))

    @admin.display(description=gettext_lazy("RMS errors"))
    def errors_shown(self, obj: Listing) -> str:
        rows = ((FIELD_LABELS.get(field, field), message) for field, items in (obj.errors or {}).items()
                for message in items)
        html = format_html_join("", "<li><strong>{}</strong>: {}</li>", rows)
        return format_html('<ul class="listing-errors">{}</ul>', html) if html else "—"

    @admin.display(description=gettext_lazy("PC page"))
    def preview_pc(self, obj: Listing) -> str:
        return self._preview(obj, "pc", 900)

    @admin.display(description=gettext_lazy("smartphone page"))
    def preview_sp(self, obj: Listing) -> str:
        return self._preview(obj, "sp", 375)

    def _preview(self, obj: Listing, kind: str, width: int) -> str:
        if not obj.pk:
            return "—"
        draft = build_draft(obj)
        body = draft.pc_description if kind == "pc" else draft.sp_description
        page = format_html("<h1>{}</h1><p>{}</p>{}<hr>{}", draft.title, draft.tagline, _html(body),
                           _html(draft.sales_description if kind == "pc" else ""))
        # sandbox="": no script, no form, no navigation from staff-written HTML.
        return format_html('<iframe class="listing-preview-{}" sandbox="" srcdoc="{}" style="width:{}px;height:360px;'
                           'border:1px solid #ccc"></iframe>', kind, escape(page), width)

    @admin.action(description=gettext_lazy("Check the selected listings"), permissions=["change"])
    def check_selected(self, request, queryset):
        blocked = sum(bool(check_listing(listing)) for listing in queryset.select_related("product", "account"))
        record_actions(request.user, queryset, _("Pre-flight check run."))
        self.message_user(request, _("%(n)d listings checked, %(b)d blocked.") % {"n": queryset.count(), "b": blocked})

    @admin.action(description=gettext_lazy("Send the selected listings to Rakuten"), permissions=["change"])
    def send_selected(self, request, queryset):
        self._send(request, queryset, send_listing, _("Sent to Rakuten: %(message)s"))

    @admin.action(description=gettext_lazy("Hide the selected items on Rakuten (withdraw)"), permissions=["change"])
    def hide_selected(self, request, queryset):
        self._send(request, queryset, withdraw_listing, _("Hidden on Rakuten: %(message)s"))

    def _send(self, request, queryset, send, audit: str) -> None:
        clients: dict[int, object] = {}
        for listing in queryset.select_related("product", "account"):
            try:
                client = clients.get(listing.account_id) or client_for(listing.account)
            except SecretUnreadable as exc:
                self.message_user(request, str(exc), messages.ERROR)
                continue
            clients[listing.account_id] = client
            result = send(listing, client)
            record_action(request.user, listing, audit % {"message": listing.get_status_display()})
            level = messages.SUCCESS if result.ok else messages.ERROR
            self.message_user(request, f"{listing.manage_number}: {result.message}", level)

    @admin.action(description=gettext_lazy("Export the selected listings as normal-item.csv"), permissions=["view"])
    def export_csv(self, request, queryset):
        try:
            data, rows = item_csv_bytes(queryset.select_related("product", "account").order_by("manage_number"))
        except ItemCsvError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return None
        record_actions(request.user, queryset, _("Exported as normal-item.csv."))
        response = HttpResponse(data, content_type="text/csv; charset=Shift_JIS")
        response["Content-Disposition"] = f'attachment; filename="normal-item-{timezone.localtime():%Y%m%d-%H%M}.csv"'
        return response


def _html(value: str) -> SafeString:
    """Staff-written HTML, for the sandboxed frame only: the page is escaped whole into its srcdoc."""
    return mark_safe(value)  # noqa: S308


def _context(finding: dict) -> str:
    if not finding.get("found"):
        return ""
    return format_html("<q>…{}<mark>{}</mark>{}…</q>", finding["before"], finding["found"], finding["after"])


class ListingActionForm(ActionForm):
    account = forms.ModelChoiceField(EcAccount.objects.all(), required=False, label=gettext_lazy("account"))
    template = forms.CharField(required=False, label=gettext_lazy("template"),
                               help_text=gettext_lazy("Blank = 標準"))


admin.site.unregister(Product)


@admin.register(Product)
class RakutenProductAdmin(ProductAdmin):
    action_form = ListingActionForm
    actions = ("create_listings",)

    def has_add_listing_permission(self, request) -> bool:
        return request.user.has_perm("rakuten_link.add_listing")

    @admin.action(description=gettext_lazy("Create Rakuten listings for the selected products"),
                  permissions=["add_listing"])
    def create_listings(self, request, queryset):
        account = _chosen_account(request)
        if account is None:
            self.message_user(request, _("Choose the account to list on."), messages.ERROR)
            return
        template = ListingTemplate.objects.filter(account=account, name=request.POST.get("template") or "標準").first()
        if template is None:
            message = _("The account %(account)s has no such listing template. Check the template name.")
            self.message_user(request, message % {"account": account.name}, messages.ERROR)
            return
        listings = [listing_for(account, product, template) for product in queryset]
        blocked = sum(bool(check_listing(listing)) for listing in listings)
        record_actions(request.user, listings, _("Listing created or updated from the product list."))
        self.message_user(request, _("%(n)d listings on %(account)s, %(b)d blocked by the check.")
                          % {"n": len(listings), "account": account.name, "b": blocked})


def _chosen_account(request) -> EcAccount | None:
    value = request.POST.get("account", "")
    if value.isdigit():
        return EcAccount.objects.filter(pk=int(value)).first()
    accounts = list(EcAccount.objects.all()[:2])
    return accounts[0] if len(accounts) == 1 else None
