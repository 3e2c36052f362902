"""Buyer messages in the admin: the shared mail templates (placeholder help, preview) and the outbox.

The outbox list masks each recipient; its actions (approve, resend, mark sent) go through ``orders.outbox``,
the only writer of a message's status, and each leaves an audit entry.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from lib.adminpaging import BigListMixin
from lib.audit import record_actions
from lib.textfields import MultilineField
from orders import outbox
from orders.messages import PLACEHOLDERS, order_values, render, unknown_placeholders_error
from orders.models import BuyerMessage, MailTemplate, Order
from rakuten_link.rms.codes import carrier_name
from rakuten_link.wording import as_html

PLACEHOLDER_HELP = gettext_lazy("Placeholders (written with braces, e.g. {注文番号}): %(names)s. Any other name is "
                                "refused when the template is saved.")


def placeholder_help() -> str:
    return PLACEHOLDER_HELP % {"names": " ".join(f"{{{name}}}" for name in PLACEHOLDERS)}


def masked_address(address: str) -> str:
    """Enough to tell buyers apart on a list, not their whole (relay) address: abc•••@pc.fw.rakuten.ne.jp."""
    local, at, domain = (address or "").partition("@")
    return f"{local[:3]}•••{at}{domain}" if address else "—"


class MailTemplateForm(forms.ModelForm):
    class Meta:
        model = MailTemplate
        fields = ("name", "subject", "body")
        field_classes = {"body": MultilineField}  # LF lines: an unchanged save in a browser changes nothing
        widgets = {"body": forms.Textarea(attrs={"rows": 14, "cols": 80})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "body" in self.fields:  # a viewer's read-only page has no fields at all
            self.fields["body"].help_text = placeholder_help()

    def clean_subject(self) -> str:
        return self._refuse_unknown("subject")

    def clean_body(self) -> str:
        return self._refuse_unknown("body")

    def _refuse_unknown(self, name: str) -> str:
        value = self.cleaned_data.get(name, "")
        error = unknown_placeholders_error(value)
        if error:
            raise forms.ValidationError(error)
        return value


class PreviewForm(forms.Form):
    order_number = forms.CharField(label=gettext_lazy("order number"), max_length=50,
                                   help_text=gettext_lazy("Blank: the latest order."), required=False)


def preview_values(order: Order) -> dict[str, str]:
    """The values a real message of ``order`` would get, the first parcel's carrier by name included."""
    shipment = order.shipments.filter(deleted=False).order_by("created_at", "pk").first()
    extra = {"配送会社": carrier_name(shipment.delivery_company), "お問い合わせ番号": shipment.tracking_number} \
        if shipment else {}
    return {**order_values(order), **extra}


@admin.register(MailTemplate)
class MailTemplateAdmin(admin.ModelAdmin):
    form = MailTemplateForm
    list_display = ("name", "subject", "preview_link")
    search_fields = ("name", "subject")

    def get_urls(self):
        own = [path("<int:object_id>/preview/", self.admin_site.admin_view(self.preview_view),
                    name="orders_mailtemplate_preview")]
        return own + super().get_urls()

    @admin.display(description=gettext_lazy("preview"))
    def preview_link(self, obj: MailTemplate) -> str:
        url = reverse("admin:orders_mailtemplate_preview", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Preview"))

    def preview_view(self, request, object_id: int):
        """The template rendered against a real order (read-only: a GET form, nothing is queued)."""
        if not self.has_view_permission(request) or not request.user.has_perm("orders.view_order"):
            raise PermissionDenied  # before the lookup: no permission, no hint of which templates exist
        template = get_object_or_404(MailTemplate, pk=object_id)
        form = PreviewForm(request.GET or None)
        number = form.cleaned_data["order_number"].strip() if form.is_valid() else ""
        orders = Order.objects.select_related("account").order_by("-ordered_at", "-pk")
        order = orders.filter(order_number=number).first() if number else orders.first()
        if number and order is None:
            form.add_error("order_number", _("No order has this number."))
        rendered = None
        if order is not None:
            values = preview_values(order)
            rendered = {"subject": render(template.subject, values), "body": render(template.body, values)}
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "form": form,
                   "title": _("Preview of %(name)s") % {"name": template.name}, "order": order,
                   "rendered": rendered, "original": template}
        return TemplateResponse(request, "admin/orders/mailtemplate/preview.html", context)


@admin.register(BuyerMessage)
class BuyerMessageAdmin(BigListMixin, admin.ModelAdmin):
    list_display = ("created_at", "order_link", "account", "event", "status", "masked_recipient", "attempts",
                    "sent_at")
    # Every account, not RelatedOnly: a filter for an account with no message yet must still apply.
    list_filter = ("status", "event", "order__account", ("created_at", admin.DateFieldListFilter))
    search_fields = ("order__order_number", "subject")
    list_select_related = ("order", "order__account")
    fields = ("order_link", "event", "status", "masked_recipient", "subject", "body", "attempts",
              "last_error_shown", "sent_at", "created_at")
    readonly_fields = fields
    actions = ["approve_messages", "resend_messages", "mark_messages_sent"]

    def has_add_permission(self, request) -> bool:
        return False  # messages are queued by the jobs, never typed in

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # the outbox is the record of what buyers were sent

    @admin.display(description=gettext_lazy("order"), ordering="order__order_number")
    def order_link(self, obj: BuyerMessage) -> str:
        url = reverse("admin:orders_order_change", args=[obj.order_id])
        return format_html('<a href="{}">{}</a>', url, obj.order.order_number)

    @admin.display(description=gettext_lazy("account"), ordering="order__account__name")
    def account(self, obj: BuyerMessage) -> str:
        return obj.order.account.name

    @admin.display(description=gettext_lazy("recipient"))
    def masked_recipient(self, obj: BuyerMessage) -> str:
        return masked_address(obj.recipient)

    @admin.display(description=gettext_lazy("last error"))
    def last_error_shown(self, obj: BuyerMessage) -> str:
        return as_html(obj.last_error) or "—"  # explained first, the relay's or system's own text folded

    def _apply(self, request, queryset, change, audit: str, done: str, refused: str) -> None:
        changed = [message for message in queryset.select_related("order") if change(message, user=request.user)]
        record_actions(request.user, changed, audit)
        if changed:
            self.message_user(request, done % {"count": len(changed)}, messages.SUCCESS)
        if len(changed) < queryset.count():
            self.message_user(request, refused % {"count": queryset.count() - len(changed)}, messages.WARNING)

    @admin.action(description=gettext_lazy("Approve the selected held messages"), permissions=["change"])
    def approve_messages(self, request, queryset):
        self._apply(request, queryset, outbox.approve, _("Buyer message approved for sending."),
                    ngettext("%(count)d message approved.", "%(count)d messages approved.", queryset.count()),
                    _("%(count)d message(s) were not held and were left as they were."))

    @admin.action(description=gettext_lazy("Send the selected failed or unknown messages again"),
                  permissions=["change"])
    def resend_messages(self, request, queryset):
        self._apply(request, queryset, outbox.resend, _("Buyer message queued to be sent again."),
                    ngettext("%(count)d message queued again.", "%(count)d messages queued again.",
                             queryset.count()),
                    _("%(count)d message(s) were neither failed nor of unknown result and were left as they were."))

    @admin.action(description=gettext_lazy("Mark the selected messages as sent"), permissions=["change"])
    def mark_messages_sent(self, request, queryset):
        self._apply(request, queryset, outbox.mark_sent_by_hand, _("Buyer message marked as sent by hand."),
                    ngettext("%(count)d message marked as sent.", "%(count)d messages marked as sent.",
                             queryset.count()),
                    _("%(count)d message(s) were queued, sending or already sent and were left as they were."))
