"""Rakuten additions to the order admin: 注文番号で取得, re-matching, and confirming, shipping and cancelling.

orders/admin.py must not import rakuten_link, so, as with the EC account page, this module replaces the
registered OrderAdmin with a subclass. It adds URLs (through get_urls): `fetch/`, the tracking-number CSV
upload and the order page's shipping forms (order_shipping.py); the fetch form and the CSV link above the
order list (through the changelist context); the shipping panel on the order page (through the change
view's context and its template); and the list actions (re-match here, confirm and ship in order_bulk.py).
Everything RMS-specific stays here.
"""

from __future__ import annotations

from functools import partial

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.models import AccountStatus, EcAccount
from lib.audit import record_action, record_actions
from lib.exports import download
from orders import timeline
from orders.admin import LineInline, OrderAdmin, PackageInline
from orders.models import Order
from rakuten_link.rms.codes import carrier_name
from rakuten_link.shipping.admin import labels, order_bulk, scan
from rakuten_link.shipping.admin.order_shipping import shipping_panel, shipping_urls
from rakuten_link.sync.orders.manual import (
    ORDER_NUMBER,
    fetch_order_by_number,
    invalid_number_message,
    normalize_order_number,
    rematch_order,
)


class FetchOrderForm(forms.Form):
    account = forms.ModelChoiceField(EcAccount.objects.order_by("name"), label=gettext_lazy("account"),
                                     empty_label=None)
    order_number = forms.CharField(
        label=gettext_lazy("order number"), max_length=60,
        widget=forms.TextInput(attrs={"placeholder": "123456-20240501-00000001", "size": 30}),
    )

    def clean_order_number(self) -> str:
        number = normalize_order_number(self.cleaned_data["order_number"])
        if not ORDER_NUMBER.match(number):
            raise ValidationError(invalid_number_message(self.cleaned_data["order_number"]))
        return number


LAST_FETCH_ACCOUNT = "rakuten_link.last_fetch_account"


def default_fetch_account(request) -> EcAccount | None:
    """The account this staff member fetched from last, else the only valid one, else the first by name."""
    accounts = EcAccount.objects.order_by("name")
    last = accounts.filter(pk=request.session.get(LAST_FETCH_ACCOUNT)).first()
    valid = list(accounts.filter(status=AccountStatus.VALID)[:2])
    return last or (valid[0] if len(valid) == 1 else accounts.first())


class RakutenPackageInline(PackageInline):
    """The package's default carrier by name (ヤマト運輸 (1001)): the codes are Rakuten's, so the name is added here."""

    fields = tuple("default_carrier" if name == "default_delivery_company" else name for name in PackageInline.fields)
    readonly_fields = fields

    @admin.display(description=gettext_lazy("default carrier"))
    def default_carrier(self, package) -> str:
        code = package.default_delivery_company
        return f"{carrier_name(code)} ({code})" if code and carrier_name(code) != code else code or "—"


class RakutenLineInline(LineInline):
    """A 要確認 line links to the mapping assistant's proposals for its Rakuten SKU."""

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("order")

    @admin.display(description=gettext_lazy("our SKU"))
    def sku_or_check(self, line) -> str:
        badge = super().sku_or_check(line)
        if line.sku_id is not None or not line.manage_number:
            return badge
        query = urlencode({"account__id__exact": line.order.account_id,
                           "variant__item__manage_number__iexact": line.manage_number,
                           **({"variant__variant_id": line.variant_id} if line.variant_id else {})})
        return format_html('{} <a href="{}?{}">{}</a>', badge, reverse("admin:rakuten_link_mappingproposal_changelist"),
                           query, _("see proposals"))


RAKUTEN_INLINES: dict[type, type] = {PackageInline: RakutenPackageInline, LineInline: RakutenLineInline}

admin.site.unregister(Order)


SHIPMENTS_TEMPLATE_ROWS = (["注文番号", "送付先ID", "配送会社", "お問い合わせ番号", "発送日"],
                           ["123456-20261207-0000000001", "", "1001", "123456789012", "2026-12-07"])


@admin.register(Order)
class RakutenOrderAdmin(OrderAdmin):
    actions = [*OrderAdmin.actions, "rematch_lines", order_bulk.confirm_selected, order_bulk.ship_selected,
               labels.export_label_file]
    change_form_template = "admin/rakuten_link/order/change_form.html"
    inlines = [RAKUTEN_INLINES.get(inline, inline) for inline in OrderAdmin.inlines]

    def get_urls(self):
        own = [path("fetch/", self.admin_site.admin_view(self.fetch_view), name="orders_order_fetch"),
               path("shipments/import/", self.admin_site.admin_view(partial(order_bulk.import_view, self)),
                    name="orders_order_import_shipments"),
               path("shipments/import/template/", self.admin_site.admin_view(self.shipments_template_view),
                    name="orders_order_import_shipments_template"),
               path("shipments/import/jobs/<int:job_id>/",
                    self.admin_site.admin_view(partial(order_bulk.import_job_view, self)),
                    name="orders_order_import_shipments_job"),
               path("labels/import/", self.admin_site.admin_view(partial(labels.import_view, self)),
                    name="orders_order_import_labels"),
               path("labels/import/jobs/<int:job_id>/",
                    self.admin_site.admin_view(partial(labels.import_job_view, self)),
                    name="orders_order_import_labels_job"),
               path("scan/", self.admin_site.admin_view(partial(scan.scan_view, self)), name="orders_order_scan")]
        return own + shipping_urls(self) + super().get_urls()

    def shipments_template_view(self, request):
        """The tracking-number CSV's columns with one example row, ready to fill in."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        return download(SHIPMENTS_TEMPLATE_ROWS, filename="shipments_template", fmt="csv")

    def changelist_view(self, request, extra_context=None):
        extra_context = extra_context or {}
        if self._may_fetch(request) and EcAccount.objects.exists():
            extra_context.update(fetch_form=FetchOrderForm(initial={"account": default_fetch_account(request)}),
                                 fetch_url=reverse("admin:orders_order_fetch"),
                                 shipment_import_url=reverse("admin:orders_order_import_shipments"),
                                 label_import_url=reverse("admin:orders_order_import_labels"),
                                 scan_url=reverse("admin:orders_order_scan"))
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        order = self.get_object(request, unquote(object_id))
        if order is not None and self.has_view_permission(request, order):
            extra_context = {**(extra_context or {}), "shipping": shipping_panel(self, request, order)}
        return super().change_view(request, object_id, form_url, extra_context)

    def fetch_view(self, request):
        """POST only; the answer is a message, and the order page when there is an order to show."""
        if not self._may_fetch(request):
            raise PermissionDenied
        if request.method != "POST":
            return redirect("admin:orders_order_changelist")
        form = FetchOrderForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    self.message_user(request, str(error), messages.ERROR)  # an ErrorList yields its texts
            return redirect("admin:orders_order_changelist")
        account, number = form.cleaned_data["account"], form.cleaned_data["order_number"]
        request.session[LAST_FETCH_ACCOUNT] = account.pk
        with timeline.acting(user=request.user):
            result = fetch_order_by_number(account, number)
        detail = _("Fetched order %(number)s by number: %(result)s") % {"number": number, "result": result.message}
        record_action(request.user, result.order or account, detail)
        level = messages.SUCCESS if result.ok else messages.ERROR
        self.message_user(request, result.message, level)
        if result.order is not None:
            return redirect("admin:orders_order_change", result.order.pk)
        return redirect("admin:orders_order_changelist")

    @admin.action(description=gettext_lazy("Match lines needing a check again and allocate"), permissions=["change"])
    def rematch_lines(self, request, queryset):
        with timeline.acting(user=request.user):
            matched = sum(rematch_order(order) for order in queryset)
        record_actions(request.user, queryset, _("Matched 要確認 lines again: %(n)d now match a SKU.") % {"n": matched})
        self.message_user(request, ngettext("%(n)d line now matches a SKU.", "%(n)d lines now match a SKU.",
                                           matched) % {"n": matched}, messages.SUCCESS)

    def _may_fetch(self, request) -> bool:
        """Fetching writes an order (and its stock allocation): the right to change orders, as for the actions."""
        return self.has_change_permission(request)

