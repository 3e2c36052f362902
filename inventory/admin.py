"""Admin for stores, products, SKUs and stock. on_hand is read-only: changes go through the service."""

from __future__ import annotations

from functools import partial

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lib.adminpaging import BigListMixin
from lib.adminviews import render_admin_form
from lib.audit import record_action
from lib.exports import download

from . import stock_import_views
from .forms import StockAdjustmentForm
from .imports import stock_levels_for_export
from .models import Product, Sku, StockLevel, StockMovement, Store
from .preview_flow import PreviewFlow, upload_or_confirm
from .services import StockError, apply_stock_movement
from .sku_imports import import_skus_csv
from .sku_rows import BASE_COLUMNS
from .upload_pages import SKU_UPLOADS, sku_job_view, stock_job_view

SKU_FLOW = PreviewFlow(SKU_UPLOADS, handler="inventory.upload_pages.skus_for_job",
                       job_url="admin:inventory_sku_import_job", page_url="admin:inventory_sku_import",
                       check=lambda data: import_skus_csv(data, dry_run=True),
                       write=lambda stream, _user: import_skus_csv(stream))
SKU_TEMPLATE_ROWS = (
    [c.label for c in BASE_COLUMNS] + ["選択肢名1", "選択肢1", "選択肢名2", "選択肢2"],
    ["TEE01", "ロゴTシャツ", "2980", "TEE01-M-BLK", "ロゴTシャツ M ブラック", "", "サイズ", "M", "カラー", "ブラック"],
    ["TEE01", "ロゴTシャツ", "2980", "TEE01-L-BLK", "ロゴTシャツ L ブラック", "", "サイズ", "L", "カラー", "ブラック"],
)


@admin.register(Store)
class StoreAdmin(admin.ModelAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


class SkuInline(admin.TabularInline):
    model = Sku
    extra = 0
    fields = ("code", "name", "jan_code", "options")
    # A product has a handful of SKUs, each on one table row: their options JSON ({"サイズ": "M"}) needs a
    # line or two, not Django's ten-row box (product_form.css makes the table fit the page).
    formfield_overrides = {models.JSONField: {"widget": forms.Textarea(attrs={"rows": 2})}}


@admin.register(Product)
class ProductAdmin(BigListMixin, admin.ModelAdmin):
    list_display = ("code", "name", "sku_count")
    search_fields = ("code", "name", "skus__code")
    inlines = [SkuInline]

    class Media:
        css = {"all": ("inventory/product_form.css",)}

    def get_queryset(self, request):
        """Each row's SKU count in the same query: a subquery per row shown, not a query per row."""
        per_product = Sku.objects.filter(product=OuterRef("pk")).order_by().values("product")
        counted = Subquery(per_product.annotate(n=Count("pk")).values("n"))
        return super().get_queryset(request).annotate(sku_total=Coalesce(counted, 0))

    @admin.display(description=gettext_lazy("SKUs"), ordering="sku_total")
    def sku_count(self, obj: Product) -> int:
        return obj.sku_total  # type: ignore[attr-defined]  # annotated by get_queryset


@admin.register(Sku)
class SkuAdmin(BigListMixin, admin.ModelAdmin):
    list_display = ("code", "name", "product", "jan_code")
    list_select_related = ("product",)
    search_fields = ("code", "name", "jan_code", "product__code", "product__name")
    autocomplete_fields = ("product",)

    def get_urls(self):
        own = [
            path("import/", self.admin_site.admin_view(self.import_view), name="inventory_sku_import"),
            path("import/jobs/<int:job_id>/", self.admin_site.admin_view(partial(sku_job_view, self)),
                 name="inventory_sku_import_job"),
            path("import/template/", self.admin_site.admin_view(self.template_view),
                 name="inventory_sku_import_template"),
        ]
        return own + super().get_urls()

    def may_import(self, request) -> bool:
        """The CSV adds and changes products as well as SKUs: it needs both permissions on both."""
        return all(request.user.has_perm(f"inventory.{action}_{model}")
                   for action in ("add", "change") for model in ("sku", "product"))

    def import_view(self, request):
        """Upload → preview (nothing written) → confirm, which checks the very bytes previewed again."""
        _require(self.may_import(request))
        return upload_or_confirm(SKU_FLOW, self, request, render=self._import_page, finish=self._finish_import)

    def _finish_import(self, request, report):
        counts = {"pc": report.products_created, "pu": report.products_updated, "c": report.created,
                  "u": report.updated, "n": report.unchanged}
        record_action(request.user, None, _("Imported the SKU CSV: products %(pc)d created, %(pu)d updated; SKUs "
                                            "%(c)d created, %(u)d updated, %(n)d unchanged.") % counts, model=Sku)
        self.message_user(request, _("SKUs imported: products %(pc)d created, %(pu)d updated; SKUs %(c)d created, "
                                     "%(u)d updated, %(n)d unchanged.") % counts, messages.SUCCESS)
        return redirect("admin:inventory_sku_changelist")

    def _import_page(self, request, form, report, token):
        """The shared upload page; an error report goes to its error list, a good one to the preview table."""
        return render_admin_form(
            request, self, title=_("Import SKUs (CSV)"), form=form, template="admin/inventory/sku/import.html",
            extra={"report": report if report and not report.ok else None,
                   "preview": report if report and report.ok else None, "preview_token": token,
                   "confirm_label": _("Import these SKUs") if token else "", "submit_label": _("Check the file"),
                   "template_url": reverse("admin:inventory_sku_import_template")},
        )

    def template_view(self, request):
        _require(self.has_view_permission(request))
        return download(SKU_TEMPLATE_ROWS, filename="skus_template", fmt="csv")


@admin.register(StockLevel)
class StockLevelAdmin(BigListMixin, admin.ModelAdmin):
    list_display: tuple[str, ...] = ("sku", "sku_name", "store", "location", "on_hand", "allocated", "available",
                                     "updated_at")
    list_filter = ("store",)
    # A SKU's stores side by side: the page walks the SKU code index and joins each SKU's few stock rows,
    # where store first would sort every stock row of the shop for each page.
    ordering = ("sku__code", "store__code")
    list_select_related = ("store", "sku")
    search_fields = ("sku__code", "sku__name", "sku__product__name")
    readonly_fields = ("store", "sku", "on_hand", "allocated", "available", "updated_at")

    def has_add_permission(self, request) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        """Only the 棚番 is edited here: the counts are inventory.services' alone, so the row is not saved whole."""
        StockLevel.objects.filter(pk=obj.pk).update(location=obj.location)

    @admin.display(description=gettext_lazy("SKU name"), ordering="sku__name")
    def sku_name(self, obj: StockLevel) -> str:
        return obj.sku.name

    @admin.display(description=gettext_lazy("available"))
    def available(self, obj: StockLevel) -> int:
        return obj.available

    def get_urls(self):
        own = [
            path("adjust/", self.admin_site.admin_view(self.adjust_view), name="inventory_stocklevel_adjust"),
            path("adjust/stock/", self.admin_site.admin_view(self.current_stock_view),
                 name="inventory_stocklevel_current"),
            path("import/", self.admin_site.admin_view(self.import_view), name="inventory_stocklevel_import"),
            path("import/jobs/<int:job_id>/", self.admin_site.admin_view(self.import_job_view),
                 name="inventory_stocklevel_import_job"),
            path("import/template/", self.admin_site.admin_view(self.template_view),
                 name="inventory_stocklevel_import_template"),
            path("export/", self.admin_site.admin_view(self.export_view), name="inventory_stocklevel_export"),
        ]
        return own + super().get_urls()

    def may_move_stock(self, request) -> bool:
        """Adjusting and importing write stock movements: seeing the stock list is not enough."""
        return self.has_view_permission(request) and request.user.has_perm("inventory.add_stockmovement")

    def adjust_view(self, request):
        _require(self.may_move_stock(request))
        form = StockAdjustmentForm(request.POST or None, admin_site=self.admin_site)
        if request.method == "POST" and form.is_valid():
            try:
                movement = apply_stock_movement(user=request.user, kind="adjustment", **form.cleaned_data)
            except StockError as exc:
                form.add_error("quantity", str(exc))
            else:
                self.message_user(
                    request,
                    _("%(sku)s in %(store)s is now %(on_hand)d.")
                    % {"sku": movement.sku.code, "store": movement.store.name, "on_hand": movement.on_hand_after},
                )
                return redirect("admin:inventory_stocklevel_changelist")
        return render_admin_form(request, self, title=_("Adjust stock"), form=form,
                                 template="admin/inventory/stocklevel/adjust.html")

    def current_stock_view(self, request) -> JsonResponse:
        """The chosen SKU's stock per store, which the adjustment form shows under the SKU picker."""
        _require(self.has_view_permission(request))
        sku_id = request.GET.get("sku", "")
        levels = StockLevel.objects.filter(sku_id=int(sku_id) if sku_id.isdigit() else 0).select_related("store")
        rows = [{"store": f"{level.store.code} {level.store.name}", "on_hand": level.on_hand,
                 "allocated": level.allocated, "available": level.available}
                for level in levels.order_by("store__code")]
        return JsonResponse({"levels": rows})

    def import_view(self, request):
        _require(self.may_move_stock(request))
        return stock_import_views.import_view(self, request)

    def import_job_view(self, request, job_id: int):
        _require(self.may_move_stock(request))
        return stock_job_view(self, request, job_id, render=partial(stock_import_views.page, self),
                              finish=partial(stock_import_views.finish, self))

    def template_view(self, request):
        _require(self.has_view_permission(request))
        return stock_import_views.template_view(self, request)

    def export_view(self, request):
        _require(self.has_view_permission(request))
        return download(stock_levels_for_export(), filename="stock", fmt=request.GET.get("format", "xlsx"))


def _require(allowed: bool) -> None:
    """Staff status only opens the admin; each page checks the permission of what it shows or changes."""
    if not allowed:
        raise PermissionDenied


@admin.register(StockMovement)
class StockMovementAdmin(BigListMixin, admin.ModelAdmin):
    """The ledger: read-only, so history can't be rewritten from the admin."""

    list_display = ("created_at", "kind", "store", "sku", "quantity", "on_hand_after", "reference", "note",
                    "created_by")
    # Date links (index ranges) rather than a date hierarchy, which reads the whole ledger for its years.
    list_filter = (("created_at", admin.DateFieldListFilter), "kind", "store")
    list_select_related = ("store", "sku", "created_by")
    search_fields = ("sku__code", "reference", "note")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
