"""「楽天から自社商品を作成」: the preview of what the catalogue would create, then the creation in one step.

For shops without a product master: rakuten_link/assistant/products.py does the work (the SKU import, the
mappings, the opening counts). The page needs the rights to add products, SKUs and product mappings, and
to change stock when a store is chosen.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_q.tasks import async_task

from accounts.models import EcAccount
from inventory.models import Store
from rakuten_link.assistant.products import BACKGROUND_ABOVE, import_catalogue_products, record_import

TASK = "rakuten_link.assistant.products.import_in_background"
RIGHTS = ("inventory.add_product", "inventory.add_sku", "rakuten_link.add_productmapping")


class CreateProductsForm(forms.Form):
    store = forms.ModelChoiceField(Store.objects.order_by("code"), required=False,
                                   label=gettext_lazy("Opening count in store"),
                                   help_text=gettext_lazy("Blank = Rakuten's quantities are not taken."))


def create_products_view(model_admin, request):
    if not request.user.has_perms(RIGHTS):
        raise PermissionDenied
    account = get_object_or_404(EcAccount, pk=request.POST.get("account") or request.GET.get("account") or 0)
    form = CreateProductsForm(request.POST or request.GET or None)
    store = form.cleaned_data["store"] if form.is_bound and form.is_valid() else None
    if store is not None and not request.user.has_perm("inventory.change_stocklevel"):
        raise PermissionDenied
    if request.method == "POST" and form.is_valid():
        planned = import_catalogue_products(account, store=store, dry_run=True)
        if len(planned.planned) > BACKGROUND_ABOVE and not planned.errors:
            args = (account.pk, store.pk if store else None, request.user.pk)
            transaction.on_commit(lambda: async_task(TASK, *args, task_name=f"catalogue-products-{account.pk}"))
            model_admin.message_user(request, _("%(n)d Rakuten SKUs are being created as our products by a worker; "
                                                "the audit trail records the result.") % {"n": len(planned.planned)})
            return redirect("admin:rakuten_link_mappingproposal_changelist")
        report = import_catalogue_products(account, store=store, user=request.user)
        if report.errors:
            model_admin.message_user(request, _("Nothing was created: fix the rows listed below."), messages.ERROR)
        else:
            model_admin.message_user(request, record_import(request.user, account, report), messages.SUCCESS)
            return redirect("admin:rakuten_link_productmapping_changelist")
    else:
        report = import_catalogue_products(account, store=store, dry_run=True)
    from django.contrib import admin

    return TemplateResponse(request, "admin/rakuten_link/mappingproposal/create_products.html", {
        **admin.site.each_context(request), "opts": model_admin.model._meta,
        "title": _("Create our products from Rakuten"), "account": account, "form": form, "report": report,
        "store": store})
