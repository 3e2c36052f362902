"""The mapping assistant (マッピングアシスタント): the proposals for unmapped Rakuten variants, as a list.

Counts by confidence and reason above the list, filters (account, confidence, reason, conflict, "sells"),
search, per-row accept / reject / pick another SKU, and "accept all high-confidence proposals" with a
preview (assistant_views.py). Accepting writes mappings through rakuten_link/assistant/accept.py, the one
writer shared with `manage.py match_catalogue --accept high`. Proposals are read-only here: the matching
run writes them.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import Exists, OuterRef
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orders.models import OrderLine
from orders.services import ACTIVE_STATES
from rakuten_link.admin import assistant_pick, assistant_products, assistant_views
from rakuten_link.assistant.accept import accept_pairs, reject_pair
from rakuten_link.assistant.models import Confidence, MappingProposal

VARIANT_LOOKUPS = ("variant__item__manage_number__iexact", "variant__variant_id")
COLOURS: dict[str, str] = {Confidence.HIGH: "#2e7d32", Confidence.MEDIUM: "#ef6c00", Confidence.LOW: "#9e9e9e"}


def waiting_lines():
    """Open orders' 要確認 lines for a proposal's variant (by manageNumber and variantId)."""
    return OrderLine.objects.filter(
        order__account=OuterRef("account"), order__state__in=ACTIVE_STATES, sku__isnull=True, removed=False,
        manage_number__iexact=OuterRef("variant__item__manage_number"), variant_id=OuterRef("variant__variant_id"))


class ConflictFilter(admin.SimpleListFilter):
    title = gettext_lazy("match conflict")
    parameter_name = "conflict"

    def lookups(self, request, model_admin):
        return [("none", _("no conflict (can be accepted in bulk)")), ("any", _("any conflict"))]

    def queryset(self, request, queryset):
        if self.value() == "none":
            return queryset.filter(conflict="")
        if self.value() == "any":
            return queryset.exclude(conflict="")
        return queryset


class SellingFilter(admin.SimpleListFilter):
    title = gettext_lazy("sells")
    parameter_name = "selling"

    def lookups(self, request, model_admin):
        return [("yes", _("has order lines waiting (要確認)"))]

    def queryset(self, request, queryset):
        return queryset.filter(Exists(waiting_lines())) if self.value() == "yes" else queryset


@admin.register(MappingProposal)
class MappingProposalAdmin(admin.ModelAdmin):
    change_list_template = "admin/rakuten_link/mappingproposal/change_list.html"
    list_display = ("proposal", "account", "rakuten_variant", "choices", "our_sku", "row_buttons")
    list_filter = ("account", "confidence", "reason", ConflictFilter, SellingFilter)
    list_select_related = ("account", "variant__item", "sku")
    search_fields = ("variant__item__manage_number", "variant__item__item_number", "variant__item__title",
                     "variant__variant_id", "variant__merchant_sku_id", "variant__jan", "sku__code", "sku__name")
    actions = ["accept_selected", "reject_selected"]
    list_per_page = 100

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def lookup_allowed(self, lookup, value, request=None) -> bool:
        """An order line's link names its Rakuten SKU exactly (rakuten_link/admin/orders.py)."""
        return lookup in VARIANT_LOOKUPS or super().lookup_allowed(lookup, value, request)

    def has_accept_permission(self, request) -> bool:
        """Accepting creates product mappings: the right to add them."""
        return request.user.has_perm("rakuten_link.add_productmapping")

    def get_list_display(self, request):
        """Filtered on one account (the usual way in), the account column only takes room."""
        shown = super().get_list_display(request)
        return [name for name in shown if name != "account"] if "account__id__exact" in request.GET else shown

    @admin.display(description=gettext_lazy("match confidence"), ordering="confidence")
    def proposal(self, obj: MappingProposal):
        """Confidence, reason and any conflict in one cell: the list stays readable at 1366 px."""
        conflict = format_html('<br><small class="conflict">{}</small>', obj.get_conflict_display()) \
            if obj.conflict else ""
        return format_html('<span style="color:{}">●</span> {}<br><small>{}</small>{}',
                           COLOURS.get(obj.confidence, "#9e9e9e"), obj.get_confidence_display(),
                           obj.get_reason_display(), conflict)

    @admin.display(description=gettext_lazy("Rakuten SKU"))
    def rakuten_variant(self, obj: MappingProposal):
        variant = obj.variant
        system = variant.merchant_sku_id or "—"
        return format_html("{} / {}<br><small>{}: {} · {}</small>", variant.item.manage_number, variant.variant_id,
                           _("system SKU number"), system, variant.item.title[:60])

    @admin.display(description=gettext_lazy("Rakuten choices"))
    def choices(self, obj: MappingProposal) -> str:
        return " × ".join(f"{k}:{v}" for k, v in (obj.variant.selectors or {}).items()) or "—"

    @admin.display(description=gettext_lazy("our SKU"), ordering="sku__code")
    def our_sku(self, obj: MappingProposal):
        options = " × ".join(f"{k}:{v}" for k, v in (obj.sku.options or {}).items())
        return format_html("{} {}<br><small>{}</small>", obj.sku.code, obj.sku.name, options)

    @admin.display(description=gettext_lazy("accept or reject"))
    def row_buttons(self, obj: MappingProposal):
        pick = reverse("admin:rakuten_link_mappingproposal_pick", args=[obj.variant_id])
        accept = reverse("admin:rakuten_link_mappingproposal_decide", args=["accept"])
        reject = reverse("admin:rakuten_link_mappingproposal_decide", args=["reject"])
        button = '<button type="submit" class="button" formaction="{}" name="proposal" value="{}">{}</button> '
        return format_html(button + button + '<a href="{}">{}</a>', accept, obj.pk, _("Accept this"), reject, obj.pk,
                           _("Reject this"), pick, _("Pick another SKU"))

    @admin.action(description=gettext_lazy("Accept the selected proposals"), permissions=["accept"])
    def accept_selected(self, request, queryset):
        """Clean proposals only: a conflict is accepted one row at a time, after a look (never in bulk)."""
        conflicts = queryset.exclude(conflict="").count()
        for account, pairs in _by_account(queryset.filter(conflict="")).items():
            result = accept_pairs(account, pairs, user=request.user, how=_("selected rows"))
            assistant_views.announce(self, request, result)
        if conflicts:
            self.message_user(request, _("%(n)d selected proposals in conflict were left: accept them one by one.")
                              % {"n": conflicts}, messages.WARNING)

    @admin.action(description=gettext_lazy("Reject the selected proposals"), permissions=["accept"])
    def reject_selected(self, request, queryset):
        rejected = sum(reject_pair(p.account, p.variant_id, p.sku_id, user=request.user)
                       for p in queryset.select_related("account"))
        self.message_user(request, _("%(n)d proposals rejected; they are not proposed again.") % {"n": rejected},
                          messages.SUCCESS)

    def get_urls(self):
        view = self.admin_site.admin_view
        own = [
            path("accept-high/", view(self.accept_high_view), name="rakuten_link_mappingproposal_accept_high"),
            path("match/", view(self.match_view), name="rakuten_link_mappingproposal_match"),
            path("decide/<str:decision>/", view(self.decide_view), name="rakuten_link_mappingproposal_decide"),
            path("pick/<int:variant_id>/", view(self.pick_view), name="rakuten_link_mappingproposal_pick"),
            path("pick/<int:variant_id>/skus/", view(self.sku_search_view),
                 name="rakuten_link_mappingproposal_pick_skus"),
            path("left/", view(self.left_view), name="rakuten_link_mappingproposal_left"),
            path("create-products/", view(self.create_products_view),
                 name="rakuten_link_mappingproposal_create_products"),
        ]
        return own + super().get_urls()

    def accept_high_view(self, request):
        return assistant_views.accept_high_view(self, request)

    def match_view(self, request):
        return assistant_views.match_view(self, request)

    def decide_view(self, request, decision: str):
        return assistant_views.decide_view(self, request, decision)

    def pick_view(self, request, variant_id: int):
        return assistant_views.pick_view(self, request, variant_id)

    def sku_search_view(self, request, variant_id: int):
        return assistant_pick.sku_search_view(self, request, variant_id)

    def left_view(self, request):
        return assistant_views.left_view(self, request)

    def create_products_view(self, request):
        return assistant_products.create_products_view(self, request)

    def changelist_view(self, request, extra_context=None):
        extra = assistant_views.summary_context(request)
        extra.update(may_accept=self.has_accept_permission(request), title=_("Mapping assistant"),
                     may_create=request.user.has_perms(assistant_products.RIGHTS))
        return super().changelist_view(request, extra_context={**(extra_context or {}), **extra})


def _by_account(queryset) -> dict:
    grouped: dict = {}
    for proposal in queryset.select_related("account").order_by("variant_id"):
        grouped.setdefault(proposal.account, []).append((proposal.variant_id, proposal.sku_id))
    return grouped
