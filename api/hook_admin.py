"""Webhooks in the admin: endpoints (the signing secret shown once), per-SKU thresholds, the delivery log."""

from __future__ import annotations

import secrets

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from lib.audit import record_actions

from .delivery import send_again
from .models import HookEvent, SkuStockThreshold, WebhookDelivery, WebhookEndpoint
from .secret_page import secret_page
from .urlcheck import UrlRefused, check_url


class EndpointForm(forms.ModelForm):
    url = forms.URLField(label=gettext_lazy("URL"), max_length=500, assume_scheme="https")
    events = forms.MultipleChoiceField(label=gettext_lazy("events"), choices=HookEvent.choices,
                                       widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = WebhookEndpoint
        fields = ["name", "url", "events", "active", "stock_low_below", "alert_email"]

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        try:
            check_url(url)
        except UrlRefused as exc:
            raise forms.ValidationError(str(exc)) from None
        return url


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    form = EndpointForm
    list_display = ("name", "url", "events_shown", "active", "created_at")

    @admin.display(description=gettext_lazy("events"))
    def events_shown(self, endpoint: WebhookEndpoint) -> str:
        return ", ".join(endpoint.events)

    def save_model(self, request, obj: WebhookEndpoint, form, change: bool) -> None:
        if not change:
            secret = "whsec_" + secrets.token_urlsafe(32)
            obj._secret = secret  # type: ignore[attr-defined]
            setattr(obj, "secret", secret)  # noqa: B010 (the stubs type the encrypted field as the field)
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj: WebhookEndpoint, post_url_continue=None):
        return secret_page(self, request, obj, _(
            "The endpoint %(name)s was saved. Copy its signing secret now: it is shown only this once.")
            % {"name": obj.name}, _("Check X-Webhook-Signature with it (docs/api.md)."))


@admin.register(SkuStockThreshold)
class SkuStockThresholdAdmin(admin.ModelAdmin):
    list_display = ("sku", "below")
    raw_id_fields = ("sku",)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ("created_at", "endpoint", "event", "status", "attempts", "last_status", "last_response_ms",
                    "delivered_at")
    list_filter = ("endpoint", "status", "event")
    readonly_fields = ("endpoint", "event", "event_id", "payload", "status", "attempts", "next_attempt_at",
                       "last_status", "last_response_ms", "last_error", "log", "created_at", "delivered_at")
    actions = ["send_again"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description=gettext_lazy("Send the selected deliveries again"), permissions=["change"])
    def send_again(self, request, queryset):
        chosen = list(queryset)
        count = send_again(chosen)
        record_actions(request.user, chosen, _("Queued to send again."))
        self.message_user(request, ngettext("%(n)d delivery queued.", "%(n)d deliveries queued.", count)
                          % {"n": count}, messages.SUCCESS)
