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

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.admin.utils import construct_change_message
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import translation
from django.utils.text import capfirst

MESSAGE_LENGTH = 1000


def record_action(user, obj: models.Model | None, message: str, *, model: type[models.Model] | None = None,
                  flag: int = CHANGE) -> LogEntry:
    """One entry for one action; ``obj`` None with ``model`` for an action on a whole list (a CSV import)."""
    target = obj if obj is not None else model
    return LogEntry.objects.create(
        user_id=user.pk,
        content_type=ContentType.objects.get_for_model(target, for_concrete_model=False),
        object_id=None if obj is None else str(obj.pk),
        object_repr=str(obj)[:200] if obj is not None else str(model._meta.verbose_name_plural)[:200],
        action_flag=flag,
        change_message=message[:MESSAGE_LENGTH],
    )


def record_actions(user, objects: Iterable[models.Model], message: str, *, flag: int = CHANGE) -> int:
    """The same action on many objects (a bulk admin action): one entry each, written in one query."""
    entries = [
        LogEntry(
            user_id=user.pk,
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


def entries_for(obj: models.Model, limit: int = 10):
    """The latest entries about ``obj``, newest first (for the object's own page)."""
    content_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
    return (
        LogEntry.objects.filter(content_type=content_type, object_id=str(obj.pk))
        .select_related("user")
        .order_by("-action_time")[:limit]
    )


def change_message(form, formsets, add: bool) -> list:
    """Django's change message, naming each changed field by the msgid of its label, so that it is translated.

    Django stores a field's label as ``capfirst(verbose_name)`` ("Safety stock"), which no catalogue entry
    matches, so the history showed English field names on Japanese pages. The model field's own verbose name
    ("safety stock", translated where shown) is stored instead; a form field with a label of its own keeps it.
    """
    message = construct_change_message(form, formsets, add)
    # Django lists the inline objects' changes in this order, after the form's own.
    inline_changes = iter([(formset.forms[0], fields) for formset in formsets or ()
                           for _obj, fields in formset.changed_objects])
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


def _label_msgid(form, name: str) -> str:
    with translation.override(None):
        field = form.fields.get(name)
        label = str(field.label) if field is not None and field.label else name
        try:
            verbose = str(form._meta.model._meta.get_field(name).verbose_name)
        except (AttributeError, FieldDoesNotExist):
            return label
        return verbose if label in (capfirst(verbose), verbose) else label
