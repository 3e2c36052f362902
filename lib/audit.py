"""The audit trail of staff actions: who did what, when, on which object, with a short detail.

Built on Django's admin ``LogEntry`` rather than a table of our own or django-auditlog: the admin
already writes one for every add, change and delete made through it (with the names of the changed
fields, never their values), each object's 履歴 page already lists them, and the rest of our staff
actions (checks, pushes, imports, manual fetches) fit its shape: user, time, object, flag, message.
django-auditlog would record field values on every save, including encrypted secrets, and cover
background jobs that SyncRun already records. Messages are written by our code from counts and
names, never from submitted values, so no secret can reach the trail.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.admin.utils import construct_change_message
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import models
from django.db.models import QuerySet
from django.forms.formsets import BaseFormSet
from django.utils import translation
from django.utils.text import capfirst

from lib.modelfields import concrete_field

MESSAGE_LENGTH = 1000


def record_action(user: AbstractBaseUser | AnonymousUser, obj: models.Model | None, message: str, *,
                  model: type[models.Model] | None = None, flag: int = CHANGE) -> LogEntry:
    """One entry for one action; ``obj`` None with ``model`` for an action on a whole list (a CSV import)."""
    target = obj if obj is not None else model
    if target is None:
        raise TypeError("record_action needs the object or, for an action on a whole list, its model")
    return LogEntry.objects.create(
        user_id=_signed_in_pk(user),
        content_type=ContentType.objects.get_for_model(target, for_concrete_model=False),
        object_id=None if obj is None else str(obj.pk),
        object_repr=str(obj)[:200] if obj is not None else str(target._meta.verbose_name_plural)[:200],
        action_flag=flag,
        change_message=message[:MESSAGE_LENGTH],
    )


def record_actions(user: AbstractBaseUser | AnonymousUser, objects: Iterable[models.Model], message: str, *,
                   flag: int = CHANGE) -> int:
    """The same action on many objects (a bulk admin action): one entry each, written in one query."""
    entries = [
        LogEntry(
            user_id=_signed_in_pk(user),
            content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
            object_id=str(obj.pk),
            object_repr=str(obj)[:200],
            action_flag=flag,
            change_message=message[:MESSAGE_LENGTH],
        )
        for obj in objects
    ]
    LogEntry.objects.bulk_create(entries)
    return len(entries)


def _signed_in_pk(user: AbstractBaseUser | AnonymousUser) -> Any:
    """Every audited action is a signed-in staff member's (or a job's requester's); never write an anonymous one."""
    if user.pk is None:
        raise PermissionDenied
    return user.pk


def entries_for(obj: models.Model, limit: int = 10) -> QuerySet[LogEntry]:
    """The latest entries about ``obj``, newest first (for the object's own page)."""
    content_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
    return (
        LogEntry.objects.filter(content_type=content_type, object_id=str(obj.pk))
        .select_related("user")
        .order_by("-action_time")[:limit]
    )


def change_message(
    form: forms.Form, formsets: Iterable[BaseFormSet[Any]], add: bool
) -> list[dict[str, dict[str, list[str]]]]:
    """Django's change message, naming each changed field by the msgid of its label, so that it is translated.

    Django stores a field's label as ``capfirst(verbose_name)`` ("Safety stock"), which no catalogue entry
    matches, so the history showed English field names on Japanese pages. The model field's own verbose name
    ("safety stock", translated where shown) is stored instead; a form field with a label of its own keeps it.
    """
    message = construct_change_message(form, formsets, add)
    # Django lists the inline objects' changes in this order, after the form's own.
    inline_changes = iter([(formset.forms[0], fields) for formset in formsets or ()
                           for _obj, fields in getattr(formset, "changed_objects", ())])  # model formsets
    for part in message:
        changed = part.get("changed")
        if changed is None:
            continue
        if "object" in changed:
            inline_form, fields = next(inline_changes)
            changed["fields"] = [_label_msgid(inline_form, name) for name in fields]
        else:
            changed["fields"] = [_label_msgid(form, name) for name in form.changed_data]
    return message


def _label_msgid(form: forms.Form, name: str) -> str:
    with translation.override(None):
        field = form.fields.get(name)
        label = str(field.label) if field is not None and field.label else name
        try:
            meta: Any = getattr(form, "_meta", None)  # a ModelForm's; a plain form has none
            verbose = str(concrete_field(meta.model, name).verbose_name)
        except (AttributeError, FieldDoesNotExist):
            return label
        return verbose if label in (capfirst(verbose), verbose) else label
