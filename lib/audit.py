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

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import QuerySet

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
