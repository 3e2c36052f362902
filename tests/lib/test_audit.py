"""The audit trail refuses entries it could not attribute or place, instead of failing inside the database."""

from __future__ import annotations

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from inventory.models import Sku
from lib.audit import record_action, record_actions

pytestmark = pytest.mark.django_db


def test_an_action_on_a_whole_list_names_its_model(django_user_model):
    user = django_user_model.objects.create_user("staff")
    entry = record_action(user, None, "imported", model=Sku)
    assert (entry.object_id, entry.object_repr, entry.user_id) == (None, str(Sku._meta.verbose_name_plural), user.pk)


def test_an_action_on_neither_an_object_nor_a_model_is_refused(django_user_model):
    user = django_user_model.objects.create_user("staff")
    with pytest.raises(TypeError, match="needs the object"):
        record_action(user, None, "imported")
    assert not LogEntry.objects.exists()


def test_an_anonymous_user_writes_no_entry():
    with pytest.raises(PermissionDenied):
        record_action(AnonymousUser(), None, "imported", model=Sku)
    with pytest.raises(PermissionDenied):
        record_actions(AnonymousUser(), [Sku(pk=1)], "checked")
    assert not LogEntry.objects.exists()
