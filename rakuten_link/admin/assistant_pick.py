"""Pick our SKU for one Rakuten variant by hand: its proposals, or any SKU of ours found as staff type.

The SKU field is Django admin's autocomplete (select2): what staff type is searched with the SKU admin's
search fields (code, name, JAN, product code and name), under the rights of the admin's autocomplete view
(viewing SKUs) plus the right to add mappings. Each suggestion reads code, name, options and what Rakuten
would be offered (the account's stores' available stock less its safety stock), and names the Rakuten SKU
a SKU is already mapped to: a SKU of ours is sold as one Rakuten SKU of an account (accept.py refuses it).
"""

from __future__ import annotations

from django import forms
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from inventory.models import Sku
from inventory.services import available_by_sku
from rakuten_link.assistant.accept import Accepted, accept_one
from rakuten_link.assistant.models import MappingProposal
from rakuten_link.mappings.rules import effective_safety_stock, sellable_quantity
from rakuten_link.models import CatalogueVariant, ProductMapping

PICK_RIGHT = "rakuten_link.add_productmapping"


def sku_label(sku: Sku, sellable: int | None = None, mapped: str = "") -> str:
    """``CODE 名前（サイズ:M × カラー:黒）· 販売可能 6 · マッピング済み: item / variant``."""
    options = " × ".join(f"{k}:{v}" for k, v in sorted((sku.options or {}).items()))  # jsonb keeps no key order
    text = f"{sku.code} {sku.name}" + (_("(%(options)s)") % {"options": options} if options else "")
    if sellable is not None:
        text += " · " + _("sellable %(n)d") % {"n": sellable}
    if mapped:
        text += " · " + _("mapped already: %(variant)s") % {"variant": mapped}
    return text


class SkuChoice(forms.ModelChoiceField):
    default_error_messages = {"required": gettext_lazy("Choose one of our SKUs."),
                              "invalid_choice": gettext_lazy("That SKU no longer exists: choose another one.")}

    def label_from_instance(self, obj) -> str:
        return sku_label(obj)


class SkuAutocomplete(AutocompleteSelect):
    """The admin's autocomplete widget, asking this variant's SKU search (which knows the account's stock)."""

    def __init__(self, admin_site, variant: CatalogueVariant):
        super().__init__(MappingProposal._meta.get_field("sku"), admin_site)
        self.variant = variant

    def get_url(self) -> str:
        return reverse("admin:rakuten_link_mappingproposal_pick_skus", args=[self.variant.pk])


class PickForm(forms.Form):
    def __init__(self, *args, admin_site, variant: CatalogueVariant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sku"] = SkuChoice(queryset=Sku.objects.all(), label=gettext_lazy("our SKU"),
                                       widget=SkuAutocomplete(admin_site, variant),
                                       help_text=gettext_lazy("Type part of the SKU code, its name, its JAN or "
                                                              "the product's code or name."))
        self.fields["also_mapped"] = forms.BooleanField(
            required=False, label=gettext_lazy("Map it even so: this SKU of ours is sold as both Rakuten SKUs (a set, "
                                               "an item listed twice)."))


class SkuSearchView(AutocompleteJsonView):
    """The admin's autocomplete answer for one variant's pick: our SKUs with their stock and any mapping."""

    def has_perm(self, request, obj=None) -> bool:
        return super().has_perm(request, obj) and request.user.has_perm(PICK_RIGHT)

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        variant = get_object_or_404(CatalogueVariant.objects.select_related("account"), pk=self.kwargs["variant_id"])
        account, skus = variant.account, [sku.pk for sku in context["object_list"]]
        store_ids = list(account.stores.values_list("pk", flat=True))
        available = available_by_sku(sku_ids=skus, store_ids=store_ids) if store_ids else {}
        safety = effective_safety_stock(None, account.safety_stock)
        self.sellable = {pk: sellable_quantity(available.get(pk, 0), safety) for pk in skus}
        self.mapped = {}
        for mapping in ProductMapping.objects.filter(account=account, sku_id__in=skus).order_by("-pk"):
            self.mapped[mapping.sku_id] = f"{mapping.manage_number} / " + (
                mapping.variant_id or f"{mapping.legacy_h_choice}×{mapping.legacy_v_choice}")
        return context

    def serialize_result(self, obj, to_field_name):
        return {"id": str(getattr(obj, to_field_name)),
                "text": sku_label(obj, self.sellable.get(obj.pk), self.mapped.get(obj.pk, ""))}


def sku_search_view(model_admin, request, variant_id: int):
    if not model_admin.has_accept_permission(request):  # before the view's own rules (and its 405 to a POST)
        raise PermissionDenied
    return SkuSearchView.as_view(admin_site=model_admin.admin_site)(request, variant_id=variant_id)


def pick_view(model_admin, request, variant_id: int, *, render, back, announce):
    """One variant: its proposals (each one click), and any SKU of ours through the autocomplete field."""
    if not model_admin.has_accept_permission(request):
        raise PermissionDenied
    variant = get_object_or_404(CatalogueVariant.objects.select_related("item", "account"), pk=variant_id)
    form = PickForm(request.POST or None, admin_site=model_admin.admin_site, variant=variant)
    error = ""
    if request.method == "POST" and form.is_valid():
        sku = form.cleaned_data["sku"]
        label = f"{variant.item.manage_number} / {variant.variant_id}"
        how = _("picked SKU %(sku)s for %(variant)s") % {"sku": sku.code, "variant": label}
        result: Accepted | str = accept_one(variant.account, variant.pk, sku, user=request.user, how=how,
                                            also_mapped=form.cleaned_data["also_mapped"])
        if isinstance(result, str):
            error = result
        else:
            announce(model_admin, request, result)
            if result.created:
                return back(variant.account)
    proposals = variant.proposals.select_related("sku").order_by("sku__code")
    return render(model_admin, request, "pick.html", _("Pick our SKU for %(variant)s")
                  % {"variant": f"{variant.item.manage_number} / {variant.variant_id}"},
                  {"variant": variant, "proposals": proposals, "error": error, "form": form,
                   "media": form.media})
