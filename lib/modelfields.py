"""A model's own fields by name, typed: what ``_meta.get_field`` answers once reverse relations are ruled out.

``get_field`` may also answer a reverse relation (no column, no label, no ``clean``); django-stubs types it so,
and ``column`` as optional. Code that reads raw columns or field labels goes through these two instead.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Field, Model


def concrete_field(model: type[Model] | Model, name: str) -> Field[Any, Any]:
    """The field called ``name``, refused when it has no column (a reverse relation or a many-to-many)."""
    field = model._meta.get_field(name)
    if not isinstance(field, Field) or not field.concrete:
        raise FieldDoesNotExist(f"{model._meta.label}.{name} has no column")
    return field


def column_of(field: Field[Any, Any]) -> str:
    """A concrete field's column name."""
    if field.column is None:
        raise FieldDoesNotExist(f"{field} has no column")
    return field.column
