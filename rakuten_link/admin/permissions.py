"""The user and group pages with permission names in the staff's language.

Django stores a model's default permission names in the database as English text built from the model's
raw verbose name ("Can view sync run", django/contrib/auth/management/__init__.py), so no catalogue can
translate them where they are shown. The permission pickers here rebuild the name from the codename and
the model's translated verbose name; other (custom) permissions are looked up in the catalogue as stored.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, Permission
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "add": _("Can add %(model)s"),
    "change": _("Can change %(model)s"),
    "delete": _("Can delete %(model)s"),
    "view": _("Can view %(model)s"),
}


def permission_name(permission: Permission) -> str:
    """The translated name of one permission: a default one rebuilt, a custom one from the catalogue."""
    model = permission.content_type.model_class()
    action, _sep, model_name = permission.codename.partition("_")
    if model is not None and action in ACTIONS and model_name == model._meta.model_name:
        return str(ACTIONS[action]) % {"model": model._meta.verbose_name}
    return gettext(permission.name)


def permission_label(permission: Permission) -> str:
    """As Django shows a permission ("app | model | name"), with the name translated."""
    return f"{permission.content_type} | {permission_name(permission)}"


# The mixin's super() is the ModelAdmin it is mixed into; the type checker is told so.
if TYPE_CHECKING:
    _AdminBase = admin.ModelAdmin[Any]
else:
    _AdminBase = object


class TranslatedPermissionsMixin(_AdminBase):
    """Relabels the choices of the permission field(s) of a user or group form."""

    permission_fields = ("user_permissions", "permissions")

    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        if db_field.name in self.permission_fields:
            kwargs.setdefault("form_class", PermissionChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class PermissionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Permission) -> str:
        return permission_label(obj)


User = get_user_model()
if admin.site.is_registered(User) and type(admin.site.get_model_admin(User)) is UserAdmin:
    admin.site.unregister(User)

    @admin.register(User)
    class TranslatedUserAdmin(TranslatedPermissionsMixin, UserAdmin):
        """Django's user page, with translated permission names."""


if admin.site.is_registered(Group) and type(admin.site.get_model_admin(Group)) is GroupAdmin:
    admin.site.unregister(Group)

    @admin.register(Group)
    class TranslatedGroupAdmin(TranslatedPermissionsMixin, GroupAdmin):
        """Django's group page, with translated permission names."""
