"""API tokens in the admin: made by staff (the secret shown once, on the page that answers the form), revoked."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from lib.audit import record_actions

from . import (
    hook_admin,  # noqa: F401  (the webhook pages)
    tokens,
)
from .models import ApiToken, Scope
from .secret_page import secret_page


class ApiTokenForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(label=gettext_lazy("scopes"), choices=Scope.choices,
                                       widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = ApiToken
        fields = ["name", "scopes", "store", "expires_at", "rate_limit"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    form = ApiTokenForm
    list_display = ("name", "scopes_shown", "store", "status", "expires_at", "last_used_at", "last_used_ip", "prefix")
    list_filter = ("store",)
    search_fields = ("name",)
    readonly_fields = ("prefix", "created_by", "created_at", "revoked_at", "last_used_at", "last_used_ip")
    actions = ["revoke_tokens"]

    def get_readonly_fields(self, request, obj=None):
        # The name is the token's user in the logs: it stays what it was made as.
        return self.readonly_fields + (("name",) if obj is not None else ())

    @admin.display(description=gettext_lazy("scopes"))
    def scopes_shown(self, token: ApiToken) -> str:
        return ", ".join(token.scopes)

    @admin.display(description=gettext_lazy("status"))
    def status(self, token: ApiToken) -> str:
        if token.revoked_at is not None:
            return _("revoked")
        if token.expires_at is not None and token.expires_at <= timezone.now():
            return _("expired")
        return _("live")

    def save_model(self, request, obj: ApiToken, form, change: bool) -> None:
        if not change:
            obj._secret = tokens.fill_new_token(obj, created_by=request.user)  # type: ignore[attr-defined]
        obj.scopes = sorted(obj.scopes)
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj: ApiToken, post_url_continue=None):
        return secret_page(self, request, obj, _(
            "The token %(name)s was made. Copy it now: it is shown only this once and cannot be read again (only "
            "its hash is kept).") % {"name": obj.name}, _("Send it as the header Authorization: Bearer <token>."))

    @admin.action(description=gettext_lazy("Revoke the selected tokens"), permissions=["change"])
    def revoke_tokens(self, request, queryset):
        live = list(queryset.filter(revoked_at__isnull=True))
        count = tokens.revoke(live)
        record_actions(request.user, live, _("Token revoked."))
        self.message_user(request, ngettext("%(n)d token revoked.", "%(n)d tokens revoked.", count) % {"n": count},
                          messages.SUCCESS)
